// DICOMweb in front of Orthanc, guarded by bearer tokens, as KHEOPS's /api DICOMweb routes are.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

import { checkAccessToken, tokenFromAuthorization, type TokenCheck, type TokenFacts, type TokenVerifier } from './access-token.js';
import type { ExternalTokenVerifier } from './external-issuers.js';
import { studyScopedPath } from './study-scope.js';
import { redactPath, type GatewayOutcome, type RequestLog } from './request-log.js';
import type { RuntimeSettings } from './settings.js';

export interface GatewayContext {
  orthancUrl: URL;
  viewerOrigin: string;
  /** The default stand-in's token check (access-token.ts); or `checkToken`. */
  verifier?: TokenVerifier;
  /** Other OpenID providers whose access tokens are accepted too (Glewlwyd in the test stack). */
  external?: ExternalTokenVerifier | undefined;
  log: RequestLog;
  settings: RuntimeSettings;
  /**
   * Forward every request without looking for a token. Only the benchmark sets it, to measure what
   * the viewer and the gateway cost without authentication; never reachable from the command line.
   */
  anonymous?: boolean;
  /** How a bearer token is checked; default `checkAccessToken` with `verifier` (released KHEOPS has its own chain). */
  checkToken?: (token: string, requiredScope: 'read' | 'write') => Promise<TokenCheck>;
}

const DICOMWEB_PATH = /^\/api\/(studies|series|instances|wado)(?:[/?]|$)/;
/** KHEOPS link form: /api/link/<token>/<DICOMweb path>; its proxy turns the segment into a bearer token. */
const LINK_PATH = /^\/api\/link\/([^/?]+)(\/.*)$/;

export function isGatewayPath(pathAndQuery: string): boolean {
  return DICOMWEB_PATH.test(pathAndQuery) || LINK_PATH.test(pathAndQuery);
}

// Headers that describe one hop (RFC 9110 §7.6.1) or carry credentials Orthanc must never see.
const NOT_FORWARDED_REQUEST_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'upgrade'];
const NOT_FORWARDED_RESPONSE_HEADERS = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade'];

export async function handleGateway(context: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const pathAndQuery = req.url ?? '/';
  const started = { method, path: redactPath(pathAndQuery) };
  const cors = corsHeaders(context.viewerOrigin, req.headers.origin);

  if (context.settings.gatewayDown) {
    res.writeHead(503, { ...cors, 'Retry-After': '1', 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'the DICOMweb gateway is down (test control)' }));
    return;
  }

  const log = (status: number, outcome: GatewayOutcome, facts: TokenFacts, reason?: string) =>
    context.log.add({
      time: new Date().toISOString(),
      ...started,
      status,
      ...facts,
      outcome,
      ...(reason ? { reason } : {}),
    });

  if (method === 'OPTIONS') {
    const allowed = 'Access-Control-Allow-Origin' in cors;
    res.writeHead(204, {
      ...cors,
      ...(allowed
        ? {
            'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
            'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
            'Access-Control-Max-Age': '600',
          }
        : {}),
    });
    res.end();
    log(204, 'preflight', { tokenId: 'none' }, allowed ? undefined : `origin ${req.headers.origin ?? '(none)'} is not allowed`);
    return;
  }

  const link = LINK_PATH.exec(pathAndQuery);
  if (context.anonymous) {
    forwardToOrthanc(context, req, res, link ? `/api${link[2] ?? ''}` : pathAndQuery, cors, (status, reason) =>
      log(status, 'anonymous', { tokenId: 'none' }, reason),
    );
    return;
  }
  const token = link ? tokenFromLink(link[1] ?? '') : tokenFromAuthorization(req.headers.authorization);
  if (!token) {
    // RFC 6750 §3.1: a request without credentials gets the challenge but no error code.
    sendChallenge(res, 401, cors, 'Bearer realm="kheops"', { error: 'invalid_request', error_description: 'an access token is required' });
    log(401, 'no-token', { tokenId: 'none' });
    return;
  }

  const requiredScope = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  const check = await checkWith(context, token, requiredScope);
  if (!check.ok) {
    const scopeParam = check.error === 'insufficient_scope' ? `, scope="${requiredScope}"` : '';
    sendChallenge(
      res,
      check.status,
      cors,
      `Bearer realm="kheops", error="${check.error}", error_description="${check.reason.replaceAll('"', "'")}"${scopeParam}`,
      { error: check.error, error_description: check.reason },
    );
    log(check.status, check.outcome, check.facts, check.reason);
    return;
  }

  const requestedPath = link ? `/api${link[2] ?? ''}` : pathAndQuery;
  const upstreamPath = check.studyUid === undefined ? requestedPath : studyScopedPath(check.studyUid, method, requestedPath);
  if (upstreamPath === undefined) {
    const reason = 'this token is for another study';
    sendChallenge(res, 403, cors, `Bearer realm="kheops", error="insufficient_scope", error_description="${reason}"`, { error: 'insufficient_scope', error_description: reason });
    log(403, 'insufficient-scope', check.facts, reason);
    return;
  }
  forwardToOrthanc(context, req, res, upstreamPath, cors, (status, reason) => log(status, 'forwarded', check.facts, reason));
}

function checkWith(context: GatewayContext, token: string, requiredScope: 'read' | 'write'): Promise<TokenCheck> {
  if (context.checkToken) return context.checkToken(token, requiredScope);
  if (context.external?.handles(token)) return context.external.check(token, requiredScope);
  if (!context.verifier) throw new Error('the gateway has neither a verifier nor a token check');
  return checkAccessToken(context.verifier, token, requiredScope);
}

function forwardToOrthanc(
  { orthancUrl }: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  upstreamPath: string,
  cors: Record<string, string>,
  logResult: (status: number, reason?: string) => void,
): void {
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const name of NOT_FORWARDED_REQUEST_HEADERS) delete headers[name];
  // Orthanc writes BulkDataURIs from the Host header; the original one makes them point back here.
  if (req.headers.host) headers.host = req.headers.host;

  const upstream = httpRequest({
    protocol: orthancUrl.protocol,
    hostname: orthancUrl.hostname,
    port: orthancUrl.port,
    method: req.method,
    path: orthancUrl.pathname.replace(/\/$/, '') + upstreamPath,
    headers,
  });

  let logged = false;
  const logOnce = (status: number, reason?: string) => {
    if (logged) return;
    logged = true;
    logResult(status, reason);
  };

  upstream.on('response', (upstreamRes) => {
    const responseHeaders: IncomingHttpHeaders = { ...upstreamRes.headers };
    for (const name of NOT_FORWARDED_RESPONSE_HEADERS) delete responseHeaders[name];
    for (const name of Object.keys(responseHeaders)) {
      if (name.startsWith('access-control-')) delete responseHeaders[name];
    }
    const status = upstreamRes.statusCode ?? 502;
    const vary = [responseHeaders.vary, cors.Vary].filter(Boolean).join(', ');
    res.writeHead(status, { ...responseHeaders, ...cors, Vary: vary });
    upstreamRes.pipe(res);
    res.on('finish', () => logOnce(status));
    upstreamRes.on('error', () => res.destroy());
  });

  upstream.on('error', (error) => {
    if (!res.headersSent) {
      sendChallenge(res, 502, cors, undefined, { error: 'bad_gateway', error_description: `Orthanc did not answer: ${error.message}` });
      logOnce(502, `Orthanc did not answer: ${error.message}`);
    } else {
      res.destroy(error);
    }
  });

  // A viewer cancels many frame requests when the user scrolls; stop the upstream work as well.
  res.on('close', () => {
    if (!res.writableFinished) {
      upstream.destroy();
      logOnce(res.statusCode, 'client closed the connection before the response was complete');
    }
  });

  req.pipe(upstream);
}

function tokenFromLink(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return undefined;
  }
}

function corsHeaders(viewerOrigin: string, origin: string | undefined): Record<string, string> {
  if (origin !== viewerOrigin) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': viewerOrigin,
    'Access-Control-Expose-Headers': 'WWW-Authenticate, Content-Type, Content-Length',
    Vary: 'Origin',
  };
}

function sendChallenge(
  res: ServerResponse,
  status: number,
  cors: Record<string, string>,
  challenge: string | undefined,
  body: { error: string; error_description: string },
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...cors,
    ...(challenge ? { 'WWW-Authenticate': challenge } : {}),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}
