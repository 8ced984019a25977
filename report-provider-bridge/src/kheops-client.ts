// What the bridge asks of KHEOPS, and only of a KHEOPS it is configured for: the configuration document
// named by conf_uri, the token endpoint (the code, with a fresh client assertion) and the open
// introspection endpoint (the token's real end and person). Nothing is fetched before conf_uri is known
// to belong to a configured root, so a launch cannot make the bridge send a request anywhere else.
import { CLIENT_ASSERTION_TYPE, clientAssertion } from './client-assertion.js';
import type { SigningKey } from './signing-keys.js';

export const CONFIGURATION_PATH = '/api/.well-known/report-provider-configuration';
const FETCH_TIMEOUT_MS = 10_000;

export class LaunchRefused extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface KheopsEndpoints {
  root: string;
  tokenEndpoint: string;
  dicomWebRoot: string;
  introspectionEndpoint?: string | undefined;
}

/** The KHEOPS root conf_uri belongs to, when it is exactly `<configured root>/api/.well-known/report-provider-configuration`. */
export function trustedConfigurationRoot(confUri: string, roots: string[]): string {
  let url: URL;
  try {
    url = new URL(confUri);
  } catch {
    throw new LaunchRefused('conf-uri-invalid', 'The launch\'s conf_uri is not an absolute URL.');
  }
  if (!roots.includes(url.origin) || url.pathname !== CONFIGURATION_PATH || url.search || url.hash || url.username || url.password) {
    throw new LaunchRefused('conf-uri-foreign', 'The launch came from a KHEOPS this bridge is not configured for (conf_uri).');
  }
  return url.origin;
}

function endpointUnder(root: string, value: unknown, name: string): string {
  if (typeof value !== 'string') throw new LaunchRefused('configuration-invalid', `KHEOPS's configuration document has no ${name}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LaunchRefused('configuration-invalid', `KHEOPS's ${name} is not an absolute URL.`);
  }
  if (url.origin !== root || url.search || url.hash) throw new LaunchRefused('configuration-invalid', `KHEOPS's ${name} is not on ${root}; the bridge sends nothing there.`);
  return value.replace(/\/+$/, '');
}

async function fetchJson(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

export async function readConfiguration(confUri: string, root: string): Promise<KheopsEndpoints> {
  let answer: { status: number; body: unknown };
  try {
    answer = await fetchJson(confUri, { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new LaunchRefused('configuration-unreachable', `KHEOPS's configuration document could not be read (${(error as Error).message}).`);
  }
  const document = answer.body as Record<string, unknown> | undefined;
  if (answer.status !== 200 || typeof document !== 'object' || document === null) {
    throw new LaunchRefused('configuration-unreachable', `KHEOPS's configuration document could not be read (HTTP ${answer.status}).`);
  }
  return {
    root,
    tokenEndpoint: endpointUnder(root, document.token_endpoint, 'token_endpoint'),
    dicomWebRoot: endpointUnder(root, document.dicomweb_endpoint, 'dicomweb_endpoint'),
    introspectionEndpoint: document.introspection_endpoint === undefined ? undefined : endpointUnder(root, document.introspection_endpoint, 'introspection_endpoint'),
  };
}

export interface RedeemedToken {
  accessToken: string;
  expiresIn: number;
}

/** The code, at once, authenticated by private_key_jwt (the only way KHEOPS accepts). */
export async function redeemCode(args: { endpoints: KheopsEndpoints; key: SigningKey; clientId: string; code: string; redirectUri: string }): Promise<RedeemedToken> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: args.code,
    client_id: args.clientId,
    redirect_uri: args.redirectUri,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: await clientAssertion(args.key, args.clientId, args.endpoints.tokenEndpoint),
  });
  let answer: { status: number; body: unknown };
  try {
    answer = await fetchJson(args.endpoints.tokenEndpoint, { method: 'POST', body, headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new LaunchRefused('token-endpoint-unreachable', `KHEOPS's token endpoint did not answer (${(error as Error).message}).`);
  }
  const token = answer.body as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
  if (answer.status !== 200 || typeof token?.access_token !== 'string') {
    const error = typeof token?.error === 'string' ? token.error : `HTTP ${answer.status}`;
    throw new LaunchRefused('code-refused', `KHEOPS refused the launch's code (${error}). Open the study again from KHEOPS.`);
  }
  const expiresIn = typeof token.expires_in === 'number' && token.expires_in > 0 ? token.expires_in : 3600;
  return { accessToken: token.access_token, expiresIn };
}

/** KHEOPS's introspection is open; its answer gives the token's real end and person. Any failure: none. */
export async function introspect(endpoints: KheopsEndpoints, token: string): Promise<{ exp?: number; sub?: string; scope?: string } | undefined> {
  if (!endpoints.introspectionEndpoint) return undefined;
  try {
    const answer = await fetchJson(endpoints.introspectionEndpoint, { method: 'POST', body: new URLSearchParams({ token }), headers: { Accept: 'application/json' } });
    const body = answer.body as { active?: unknown; exp?: unknown; sub?: unknown; scope?: unknown } | undefined;
    if (answer.status !== 200 || body?.active !== true) return undefined;
    return {
      ...(typeof body.exp === 'number' ? { exp: body.exp } : {}),
      ...(typeof body.sub === 'string' ? { sub: body.sub } : {}),
      ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
    };
  } catch {
    return undefined;
  }
}
