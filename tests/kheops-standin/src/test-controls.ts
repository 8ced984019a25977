// Knobs for tests: read the gateway log, shorten token lifetimes, revoke a user, simulate outages,
// and hand out the access token the KHEOPS UI holds for a user (what it exchanges for viewer tokens).
// Mounted only when the stand-in is started with testControls: true.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

import { findDemoUser } from './accounts.js';
import { HttpError, readJsonObject, sendJson } from './http-utils.js';
import type { RequestLog } from './request-log.js';
import { revokeAccount, type GrantRegistry } from './revocations.js';
import { validTtl, type RuntimeSettings } from './settings.js';

export interface TestControlContext {
  provider: Provider;
  grants: GrantRegistry;
  log: RequestLog;
  settings: RuntimeSettings;
  /** The signed-in user's access token as the KHEOPS UI holds it (kheops-ui.ts). */
  userAccessToken(userId: string): Promise<string>;
}

export const TEST_CONTROL_PREFIX = '/__test/';

export function isTestControlPath(path: string): boolean {
  return path === '/__test' || path.startsWith(TEST_CONTROL_PREFIX);
}

export async function handleTestControl(
  context: TestControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /__test/health':
      return sendJson(res, 200, { ok: true });
    case 'GET /__test/log':
      return sendJson(res, 200, context.log.list());
    case 'POST /__test/log/clear':
      context.log.clear();
      return sendJson(res, 200, { ok: true });
    case 'POST /__test/ttl':
      return sendJson(res, 200, applyTtl(context.settings, await readJsonObject(req)));
    case 'POST /__test/revoke':
      return sendJson(res, 200, await revoke(context, await readJsonObject(req)));
    case 'POST /__test/read-only':
      return sendJson(res, 200, applyReadOnly(context.settings, await readJsonObject(req)));
    case 'POST /__test/user-token':
      return sendJson(res, 200, await userToken(context, await readJsonObject(req)));
    case 'POST /__test/fail':
      return sendJson(res, 200, applyFailures(context.settings, await readJsonObject(req)));
    default:
      throw new HttpError(404, `no test control ${route}`);
  }
}

function applyTtl(settings: RuntimeSettings, body: Record<string, unknown>) {
  // Validate both before applying either, so a bad request changes nothing.
  const accessTokenTtl = body.accessTokenTtl === undefined ? undefined : checkedTtl('accessTokenTtl', body.accessTokenTtl);
  const refreshTokenTtl = body.refreshTokenTtl === undefined ? undefined : checkedTtl('refreshTokenTtl', body.refreshTokenTtl);
  if (accessTokenTtl !== undefined) settings.accessTokenTtl = accessTokenTtl;
  if (refreshTokenTtl !== undefined) settings.refreshTokenTtl = refreshTokenTtl;
  return { accessTokenTtl: settings.accessTokenTtl, refreshTokenTtl: settings.refreshTokenTtl };
}

async function revoke(context: TestControlContext, body: Record<string, unknown>) {
  const user = findDemoUser(body.user);
  if (!user) throw new HttpError(400, `unknown user ${JSON.stringify(body.user)}`);
  const revokedGrants = await revokeAccount(context.provider, context.grants, user.id);
  return { user: user.id, revokedGrants };
}

async function userToken(context: TestControlContext, body: Record<string, unknown>) {
  const user = findDemoUser(body.user);
  if (!user) throw new HttpError(400, `unknown user ${JSON.stringify(body.user)}`);
  return { user: user.id, access_token: await context.userAccessToken(user.id) };
}

function applyFailures(settings: RuntimeSettings, body: Record<string, unknown>) {
  for (const key of ['provider', 'gateway'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'boolean') throw new HttpError(400, `${key} must be true or false`);
  }
  if (typeof body.provider === 'boolean') settings.providerDown = body.provider;
  if (typeof body.gateway === 'boolean') settings.gatewayDown = body.gateway;
  return { provider: settings.providerDown, gateway: settings.gatewayDown };
}

function applyReadOnly(settings: RuntimeSettings, body: Record<string, unknown>) {
  const user = findDemoUser(body.user);
  if (!user) throw new HttpError(400, `unknown user ${JSON.stringify(body.user)}`);
  if (typeof body.readOnly !== 'boolean') throw new HttpError(400, 'readOnly must be true or false');
  if (body.readOnly) settings.readOnlyUsers.add(user.id);
  else settings.readOnlyUsers.delete(user.id);
  return { user: user.id, readOnly: settings.readOnlyUsers.has(user.id) };
}

function checkedTtl(name: string, value: unknown): number {
  try {
    return validTtl(name, value);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
}
