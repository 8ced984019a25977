// The KHEOPS stand-in: what KHEOPS would be if it were the OpenID provider this project aims at.
// One HTTP server on 127.0.0.1 carries the provider (under /api, like KHEOPS's API), its login
// pages, the token-guarded DICOMweb gateway in front of Orthanc, a study page and test controls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';

import { ExternalTokenVerifier, type ExternalIssuer } from './external-issuers.js';
import { handleRevocation, type RevocationContext } from './access-token-revocation.js';
import { handleGateway, isGatewayPath, type GatewayContext } from './gateway.js';
import { findDemoUser } from './accounts.js';
import { HttpError, requestPath, sendJson, sendText } from './http-utils.js';
import { defaultReportProviders, handleLegacyLaunch, isLegacyLaunchPath, type LegacyLaunchContext } from './legacy-launches.js';
import { handleInteraction, isInteractionPath, type InteractionContext } from './interactions.js';
import { signedInUserAccessToken, viewerTokenFor, type KheopsUiContext } from './kheops-ui.js';
import type { RefreshTokenReuse } from './keycloak/refresh-token-reuse.js';
import { webOriginHeaders } from './keycloak/web-origins.js';
import { OrthancClient } from './orthanc-client.js';
import { providerPaths, type ProviderProfile } from './profile.js';
import { createProvider, VIEWER_CLIENT_ID } from './provider.js';
import type { RealmRole } from './realm-role.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { GrantRegistry, trackGrants } from './revocations.js';
import { createSettings } from './settings.js';
import { generateSigningKey } from './signing-key.js';
import { handleStudyPage, handleThumbnail, isStudyPagePath, isThumbnailPath, type StudyPageContext } from './study-page.js';
import { handleTestControl, isTestControlPath, type TestControlContext } from './test-controls.js';
import { registerViewerTokenExchange } from './token-exchange.js';

export type { RequestLogEntry } from './request-log.js';
export type { ExternalIssuer } from './external-issuers.js';

export interface StandinOptions {
  /** Listen on 127.0.0.1:port (0 picks a free port). */
  port: number;
  /** e.g. http://127.0.0.1:8042 (Orthanc's DICOMweb root is <orthancUrl>/api, WADO-URI <orthancUrl>/api/wado). */
  orthancUrl: string;
  /** e.g. http://localhost:3000: the OHIF viewer's origin, for CORS and redirect URIs. */
  viewerOrigin: string;
  /** Seconds, default 300. */
  accessTokenTtl?: number;
  /** Seconds, default 8 h. */
  refreshTokenTtl?: number;
  /** Issue refresh tokens (default true); false removes the refresh_token grant, as on KHEOPS itself. */
  refreshTokens?: boolean;
  /**
   * Which OpenID provider to play (default 'kheops'): 'keycloak' is the Keycloak realm released KHEOPS
   * signs its users in with, issuer <url>/realms/kheops, in front of the same DICOMweb gateway.
   */
  provider?: ProviderProfile;
  /** Keycloak profile: "Revoke Refresh Token" off ('allowed', the default) or on ('refused'). */
  refreshTokenReuse?: RefreshTokenReuse;
  /** The viewer path the study page opens (default /kheops); /kheops/<data source> picks a data source. */
  viewerPath?: string;
  /** Mount /__test/* (default false). */
  testControls?: boolean;
  /** Also append request-log JSON lines to this file. */
  logFile?: string;
  /**
   * Benchmark only (tests/bench): the gateway forwards without any token check, and the study page's
   * thumbnails open the viewer directly instead of by third-party initiated login. Default false.
   */
  anonymousGateway?: boolean;
  /** Plays the Keycloak realm of a released KHEOPS (realm-role.ts, released/index.ts). */
  realm?: RealmRole;
  /** Other OpenID providers whose access tokens the DICOMweb gateway accepts (default none). */
  externalIssuers?: readonly ExternalIssuer[];
}

export interface Standin {
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>/api */
  issuer: string;
  /** http://127.0.0.1:<port>/api (also the access token audience) */
  dicomWebRoot: string;
  /** 'ohif-viewer' */
  clientId: string;
  /** The provider it plays. */
  provider: ProviderProfile;
  requestLog(): RequestLogEntry[];
  close(): Promise<void>;
}

/** Where KHEOPS's API lives: the DICOMweb gateway, and the provider in the default profile. */
const KHEOPS_API = '/api';

export async function startStandin(options: StandinOptions): Promise<Standin> {
  const viewerOrigin = originOf('viewerOrigin', options.viewerOrigin);
  const orthancUrl = parseUrl('orthancUrl', options.orthancUrl);
  const settings = createSettings(options.accessTokenTtl, options.refreshTokenTtl);

  // Listen first: with port 0 the issuer is only known once the port is.
  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) =>
    sendText(res, 503, 'starting');
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendError(req, res, error));
  });
  const port = await listen(server, options.port);

  const profile = options.provider ?? 'kheops';
  const paths = providerPaths(profile);
  const url = `http://127.0.0.1:${port}`;
  const issuer = url + paths.mount;
  const dicomWebRoot = url + KHEOPS_API;
  const log = new RequestLog(options.logFile);
  const grants = new GrantRegistry();
  const signingKey = await generateSigningKey();
  const provider = createProvider({
    issuer,
    dicomWebRoot,
    viewerOrigin,
    settings,
    signingJwk: signingKey.privateJwk,
    refreshTokens: options.refreshTokens ?? true,
    profile,
    ...(options.refreshTokenReuse ? { refreshTokenReuse: options.refreshTokenReuse } : {}),
    ...(options.realm ? { realm: options.realm } : {}),
  });
  trackGrants(provider, grants);
  provider.on('server_error', (_ctx, error) => console.error('kheops-standin: provider error:', error));

  const verifier = {
    publicKey: signingKey.publicKey,
    issuer,
    audience: dicomWebRoot,
    grants,
    ...(profile === 'keycloak' ? { realmTokens: { rightsOf: (sub: string) => kheopsRightsOf(settings, sub) } } : {}),
  };
  const gateway: GatewayContext = {
    orthancUrl,
    viewerOrigin,
    settings,
    log,
    verifier,
    external: new ExternalTokenVerifier(options.externalIssuers ?? []),
    anonymous: options.anonymousGateway ?? false,
  };
  registerViewerTokenExchange(provider, { issuer, dicomWebRoot, signingJwk: signingKey.privateJwk, verifier, settings });
  const kheopsUi: KheopsUiContext = { provider, dicomWebRoot, tokenEndpoint: `${issuer}${paths.routes.token}`, settings };
  const interactions: InteractionContext = { provider, dicomWebRoot, viewerOrigin, settings, ...(options.realm ? { otherClientOrigins: [options.realm.uiOrigin] } : {}) };
  const studyPage: StudyPageContext = {
    orthanc: new OrthancClient(orthancUrl),
    issuer,
    viewerOrigin,
    viewerPath: options.viewerPath ?? '/kheops',
    directLaunch: options.anonymousGateway ?? false,
  };
  const legacy: LegacyLaunchContext = {
    url,
    issuer,
    dicomWebRoot,
    viewerOrigin,
    signingJwk: signingKey.privateJwk,
    verifier,
    settings,
    reportProviders: defaultReportProviders(viewerOrigin),
    viewerTokenFor: (userId, studyUid) => viewerTokenFor(kheopsUi, userId, studyUid),
  };
  const controls: TestControlContext = { provider, grants, log, settings, userAccessToken: (userId) => signedInUserAccessToken(kheopsUi, userId) };
  const providerCallback = provider.callback();
  const revocationPath = paths.mount + (paths.routes.revocation ?? '/token/revocation');
  const revocation: RevocationContext = {
    path: revocationPath,
    verifier,
    clientId: VIEWER_CLIENT_ID,
    forward: (req, res) => mountProvider(providerCallback, paths.mount, req, res),
    ...(profile === 'keycloak'
      ? {
          // Keycloak processes a request from any origin, and answers CORS only to the Web Origins.
          corsHeaders: (origin) => webOriginHeaders([viewerOrigin], origin),
          originAllowed: () => true,
          knowsToken: async (token) => Boolean((await provider.RefreshToken.find(token)) ?? (await provider.AccessToken.find(token))),
        }
      : {
          corsHeaders: (origin): Record<string, string> => (origin === viewerOrigin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
          originAllowed: (origin) => origin === undefined || origin === viewerOrigin,
        }),
  };

  route = async (req, res) => {
    const path = requestPath(req);
    const method = req.method ?? 'GET';
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) return sendText(res, 200, 'ok');
    if (isTestControlPath(path)) {
      if (!options.testControls) throw new HttpError(404, 'not found');
      return handleTestControl(controls, req, res, path);
    }
    if (isLegacyLaunchPath(method, path)) return handleLegacyLaunch(legacy, req, res, path);
    if (isGatewayPath(path)) return handleGateway(gateway, req, res);
    if (path === paths.mount || path.startsWith(`${paths.mount}/`) || isInteractionPath(path)) {
      if (settings.providerDown) return sendProviderDown(res);
      if (isInteractionPath(path)) return handleInteraction(interactions, req, res, path);
      if (method === 'POST' && path === revocationPath) return handleRevocation(revocation, req, res);
      return mountProvider(providerCallback, paths.mount, req, res);
    }
    if (method === 'GET' && isThumbnailPath(path)) return handleThumbnail(studyPage, res, path);
    if (method === 'GET' && isStudyPagePath(path)) return handleStudyPage(studyPage, req, res);
    throw new HttpError(404, 'not found');
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    issuer,
    dicomWebRoot,
    clientId: VIEWER_CLIENT_ID,
    provider: profile,
    requestLog: () => log.list(),
    close: () => (closed ??= closeServer(server).then(() => log.close())),
  };
}

/**
 * oidc-provider derives its endpoint URLs from the part of `originalUrl` that precedes `url`
 * (what connect/express do when mounting), so strip the prefix and keep the original.
 */
function mountProvider(
  callback: ReturnType<Provider['callback']>,
  mount: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const original = req.url ?? '/';
  const rest = original.slice(mount.length);
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  return Promise.resolve(callback(req, res));
}

/** KHEOPS in front of a Keycloak realm gives a user token the user's own rights (platform-facts §2.1). */
function kheopsRightsOf(settings: { readOnlyUsers: Set<string> }, sub: string): Set<string> {
  if (!findDemoUser(sub)) return new Set();
  return new Set(settings.readOnlyUsers.has(sub) ? ['read'] : ['read', 'write']);
}

function sendProviderDown(res: ServerResponse): void {
  sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'the OpenID provider is down (test control)' }, { 'Retry-After': '1' });
}

function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof HttpError ? error.message : 'internal error';
  if (!(error instanceof HttpError)) console.error(`kheops-standin: ${req.method} ${requestPath(req)} failed:`, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (requestPath(req).startsWith('/__test')) sendJson(res, status, { error: message });
  else sendText(res, status, message);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} is in use; set STANDIN_PORT to another port`));
      else if (error.code === 'EACCES') reject(new Error(`port ${port} needs privileges; set STANDIN_PORT to a port above 1023`));
      else reject(error);
    });
    // Never on all interfaces: the stand-in hands out tokens without real passwords.
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Browsers keep idle connections open; without this, close() waits for them.
    server.closeAllConnections();
  });
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
}

function originOf(name: string, value: string): string {
  const url = parseUrl(name, value);
  if (url.origin !== value.replace(/\/$/, '')) {
    throw new Error(`${name} must be an origin like http://localhost:3000 (no path), got ${JSON.stringify(value)}`);
  }
  return url.origin;
}
