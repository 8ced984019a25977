// The bridge's HTTP surface, all below its public path (e.g. /kheops-bridge on the viewer's origin):
//   GET  /.well-known/report-provider-configuration  the document KHEOPS registers (response_type code)
//   GET  /jwks.json                                   the public keys of its client assertions
//   GET  /launch                                      KHEOPS's redirect: code -> token -> sealed cookie
//   GET  /session                                     the session's end and person for the viewer (no token)
//   POST /session/end                                 sign-out: the cookie is cleared
//   *    /dicomweb/studies|series|instances...       DICOMweb, forwarded with the token
//   GET  /health
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkViewerRequest, proxyDicomWeb, upstreamUrl } from './dicomweb-proxy.js';
import { LaunchRefused } from './kheops-client.js';
import { completeLaunch } from './launch.js';
import type { Logger } from './log.js';
import { SeenCodes } from './seen-codes.js';
import { SessionCookie } from './session-cookie.js';
import type { BridgeSettings } from './settings.js';
import { loadSigningKeys, type SigningKeys } from './signing-keys.js';

export const CONFIGURATION_DOCUMENT_PATH = '/.well-known/report-provider-configuration';
const SWEEP_INTERVAL_MS = 60_000;
const NO_STORE = { 'Cache-Control': 'no-store' };

export interface RunningBridge {
  port: number;
  close(): Promise<void>;
}

export function providerDocument(settings: BridgeSettings) {
  const base = settings.publicUrl.toString().replace(/\/+$/, '');
  return {
    client_name: settings.clientName,
    client_uri: settings.viewerLanding.origin,
    redirect_uri: `${base}/launch`,
    response_type: 'code',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks_uri: `${base}/jwks.json`,
    supported_modalities: [],
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers }).end(text);
}

function sendPage(res: ServerResponse, status: number, message: string): void {
  const escaped = message.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>KHEOPS viewer launch</title><main style="font:16px system-ui;margin:3em auto;max-width:40em"><h1>The viewer could not be opened</h1><p id="bridge-problem">${escaped}</p></main>`;
  res
    .writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      ...NO_STORE,
    })
    .end(html);
}

export async function startBridge(settings: BridgeSettings, log: Logger, now: () => number = Date.now): Promise<RunningBridge> {
  const keys: SigningKeys = await loadSigningKeys(settings.signingKeysPem);
  const seenCodes = new SeenCodes(settings.seenCodesDir, now);
  await seenCodes.init();
  const base = settings.publicUrl.pathname.replace(/\/+$/, '');
  const secure = settings.publicUrl.protocol === 'https:';
  const cookie = new SessionCookie({ keys: settings.cookieKeys, secure, path: base || '/' });
  const viewerOrigin = settings.viewerLanding.origin;
  const redirectUri = providerDocument(settings).redirect_uri;

  async function launch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    try {
      const outcome = await completeLaunch({ kheopsRoots: settings.kheopsRoots, redirectUri, viewerLanding: settings.viewerLanding, keys, seenCodes, now }, query);
      log('launch', { sid: outcome.session.sid, client_id: outcome.clientId, kheops: new URL(outcome.session.dicomWebRoot).origin, study: outcome.session.studyUids[0], expires_at: outcome.session.expiresAt, kid: keys.current.kid });
      res
        .writeHead(303, {
          Location: outcome.location,
          'Set-Cookie': await cookie.setCookieHeader(outcome.session, Math.floor(now() / 1000)),
          // The bridge's own URL holds the code: the viewer must not see it as a Referer.
          'Referrer-Policy': 'no-referrer',
          ...NO_STORE,
        })
        .end();
    } catch (error) {
      if (!(error instanceof LaunchRefused)) throw error;
      log('launch-refused', { reason: error.reason });
      sendPage(res, error.reason === 'code-replayed' ? 409 : 400, error.message);
    }
  }

  async function session(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = checkViewerRequest(req, viewerOrigin);
    if (refusal) return sendJson(res, refusal.status, { error: refusal.reason, message: refusal.message }, NO_STORE);
    const current = await cookie.open(req.headers.cookie);
    if (!current) return sendJson(res, 200, { active: false }, NO_STORE);
    log('session', { sid: current.sid });
    sendJson(
      res,
      200,
      {
        active: true,
        expires_at: current.expiresAt,
        scope: current.scopes.join(' '),
        study_uids: current.studyUids,
        ...(current.subject ? { sub: current.subject } : {}),
        ...(current.returnUri ? { return_uri: current.returnUri } : {}),
      },
      NO_STORE,
    );
  }

  async function dicomWeb(req: IncomingMessage, res: ServerResponse, subPath: string, search: string): Promise<void> {
    const refusal = checkViewerRequest(req, viewerOrigin);
    if (refusal) {
      log('dicomweb-refused', { reason: refusal.reason, method: req.method });
      return sendJson(res, refusal.status, { error: refusal.reason, message: refusal.message });
    }
    const current = await cookie.open(req.headers.cookie);
    if (!current) {
      log('dicomweb-refused', { reason: 'no-session', method: req.method });
      return sendJson(res, 401, { error: 'no-session', message: 'The KHEOPS session has ended. Open the study again from KHEOPS.' }, { 'WWW-Authenticate': 'KheopsBridge' });
    }
    const target = upstreamUrl(current, subPath, search);
    if (!(target instanceof URL)) {
      log('dicomweb-refused', { sid: current.sid, reason: target.reason, method: req.method });
      return sendJson(res, target.status, { error: target.reason, message: target.message });
    }
    // Checked again at each request: a root removed from the settings stops its sessions at once.
    if (!settings.kheopsRoots.includes(target.origin)) return sendJson(res, 403, { error: 'untrusted-root', message: 'This session\'s KHEOPS is no longer trusted.' });
    proxyDicomWeb(current, target, req, res, status => log('dicomweb', { sid: current.sid, method: req.method, path: subPath.split('/').slice(0, 2).join('/'), status }));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/health' || path === `${base}/health`) return sendJson(res, 200, { status: 'ok', replica: settings.replicaName }, NO_STORE);
    if (base && path !== base && !path.startsWith(`${base}/`)) return sendJson(res, 404, { error: 'not-found' });
    const local = path.slice(base.length) || '/';
    if (local.startsWith('/dicomweb/')) return dicomWeb(req, res, local.slice('/dicomweb'.length), url.search);
    if (method !== 'GET' && !(method === 'POST' && local === '/session/end')) return sendJson(res, 405, { error: 'method-not-allowed' });
    switch (local) {
      case CONFIGURATION_DOCUMENT_PATH:
        return sendJson(res, 200, providerDocument(settings), { 'Cache-Control': 'no-cache' });
      case '/jwks.json':
        return sendJson(res, 200, keys.jwks, { 'Cache-Control': 'no-cache' });
      case '/launch':
        return launch(req, res, url.searchParams);
      case '/session':
        return session(req, res);
      case '/session/end': {
        const refusal = checkViewerRequest(req, viewerOrigin);
        if (refusal) return sendJson(res, refusal.status, { error: refusal.reason, message: refusal.message });
        log('session-end', {});
        return sendJson(res, 200, { active: false }, { 'Set-Cookie': cookie.clearCookieHeader(), ...NO_STORE });
      }
      default:
        return sendJson(res, 404, { error: 'not-found' });
    }
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log('error', { method: req.method, message: error instanceof Error ? error.message : 'unknown' });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
      else res.destroy();
    });
  });
  const sweep = setInterval(() => {
    seenCodes.sweep().then(
      removed => removed > 0 && log('seen-codes-swept', { removed }),
      () => undefined,
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve((server.address() as AddressInfo).port));
  });
  log('ready', { port, public_url: settings.publicUrl.toString(), kid: keys.current.kid, keys: keys.jwks.keys.length });
  return {
    port,
    close: () =>
      new Promise<void>(resolve => {
        clearInterval(sweep);
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
