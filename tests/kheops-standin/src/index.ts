// The KHEOPS stand-in: what KHEOPS would be if it were the OpenID provider this project aims at.
// One HTTP server on 127.0.0.1 carries the provider (under /api, like KHEOPS's API), its login
// pages, the token-guarded DICOMweb gateway in front of Orthanc, a study page and test controls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';

import { ExternalTokenVerifier, type ExternalIssuer } from './external-issuers.js';
import { handleRevocation, REVOCATION_PATH, type RevocationContext } from './access-token-revocation.js';
import { handleGateway, isGatewayPath, type GatewayContext } from './gateway.js';
import { HttpError, requestPath, sendJson, sendText } from './http-utils.js';
import { defaultReportProviders, handleLegacyLaunch, isLegacyLaunchPath, type LegacyLaunchContext } from './legacy-launches.js';
import { handleInteraction, isInteractionPath, type InteractionContext } from './interactions.js';
import { signedInUserAccessToken, viewerTokenFor, type KheopsUiContext } from './kheops-ui.js';
import { OrthancClient } from './orthanc-client.js';
import { createProvider, VIEWER_CLIENT_ID } from './provider.js';
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
  /** Mount /__test/* (default false). */
  testControls?: boolean;
  /** Also append request-log JSON lines to this file. */
  logFile?: string;
  /**
   * Benchmark only (tests/bench): the gateway forwards without any token check, and the study page's
   * thumbnails open the viewer directly instead of by third-party initiated login. Default false.
   */
  anonymousGateway?: boolean;
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
  requestLog(): RequestLogEntry[];
  close(): Promise<void>;
}

const PROVIDER_MOUNT = '/api';

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

  const url = `http://127.0.0.1:${port}`;
  const issuer = url + PROVIDER_MOUNT;
  const dicomWebRoot = url + PROVIDER_MOUNT;
  const log = new RequestLog(options.logFile);
  const grants = new GrantRegistry();
  const signingKey = await generateSigningKey();
  const provider = createProvider({ issuer, dicomWebRoot, viewerOrigin, settings, signingJwk: signingKey.privateJwk, refreshTokens: options.refreshTokens ?? true });
  trackGrants(provider, grants);
  provider.on('server_error', (_ctx, error) => console.error('kheops-standin: provider error:', error));

  const gateway: GatewayContext = {
    orthancUrl,
    viewerOrigin,
    settings,
    log,
    verifier: { publicKey: signingKey.publicKey, issuer, audience: dicomWebRoot, grants },
    external: new ExternalTokenVerifier(options.externalIssuers ?? []),
    anonymous: options.anonymousGateway ?? false,
  };
  registerViewerTokenExchange(provider, { issuer, dicomWebRoot, signingJwk: signingKey.privateJwk, verifier: gateway.verifier, settings });
  const kheopsUi: KheopsUiContext = { provider, dicomWebRoot, tokenEndpoint: `${issuer}/token`, settings };
  const interactions: InteractionContext = { provider, dicomWebRoot, viewerOrigin, settings };
  const studyPage: StudyPageContext = { orthanc: new OrthancClient(orthancUrl), issuer, viewerOrigin, directLaunch: options.anonymousGateway ?? false };
  const legacy: LegacyLaunchContext = {
    url,
    issuer,
    dicomWebRoot,
    viewerOrigin,
    signingJwk: signingKey.privateJwk,
    verifier: gateway.verifier,
    settings,
    reportProviders: defaultReportProviders(viewerOrigin),
    viewerTokenFor: (userId, studyUid) => viewerTokenFor(kheopsUi, userId, studyUid),
  };
  const controls: TestControlContext = { provider, grants, log, settings, userAccessToken: (userId) => signedInUserAccessToken(kheopsUi, userId) };
  const providerCallback = provider.callback();
  const revocation: RevocationContext = {
    verifier: gateway.verifier,
    viewerOrigin,
    clientId: VIEWER_CLIENT_ID,
    forward: (req, res) => mountProvider(providerCallback, req, res),
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
    if (path === PROVIDER_MOUNT || path.startsWith(`${PROVIDER_MOUNT}/`) || isInteractionPath(path)) {
      if (settings.providerDown) return sendProviderDown(res);
      if (isInteractionPath(path)) return handleInteraction(interactions, req, res, path);
      if (method === 'POST' && path === REVOCATION_PATH) return handleRevocation(revocation, req, res);
      return mountProvider(providerCallback, req, res);
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
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const original = req.url ?? '/';
  const rest = original.slice(PROVIDER_MOUNT.length);
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  return Promise.resolve(callback(req, res));
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
