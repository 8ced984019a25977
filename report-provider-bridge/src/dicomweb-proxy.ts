// DICOMweb for the viewer on its own origin: the bridge opens the cookie, checks that the request is the
// viewer's own (CSRF), and forwards it with the token to the study's DICOMweb root at the launch's KHEOPS,
// and only there. Bodies stream both ways (STOW uploads, frames).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { BridgeSession } from './session-cookie.js';

/** What the extension sends instead of a token: a header no cross-site form or link can send. */
export const BRIDGE_AUTHORIZATION = 'KheopsBridge';
const DICOMWEB_PATH = /^\/(studies|series|instances)(\/[0-9A-Za-z.\-_/]*)?$/;
const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-encoding', 'content-type', 'content-length', 'range', 'if-none-match', 'if-modified-since'];
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'www-authenticate', 'upgrade']);

export type ProxyRefusal = { status: number; reason: string; message: string };

/**
 * Who may use the session: a request that names the marker (a custom Authorization value, which a
 * cross-site page can only send after a CORS preflight the bridge never allows) and, when the browser
 * says where it comes from, from the viewer's origin.
 */
export function checkViewerRequest(req: IncomingMessage, viewerOrigin: string): ProxyRefusal | undefined {
  if (req.headers.authorization !== BRIDGE_AUTHORIZATION) return { status: 401, reason: 'no-marker', message: `Requests must carry "Authorization: ${BRIDGE_AUTHORIZATION}".` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== viewerOrigin) return { status: 403, reason: 'foreign-origin', message: 'Requests from another site are refused.' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return { status: 403, reason: 'foreign-site', message: 'Requests from another site are refused.' };
  return undefined;
}

/** The upstream URL for a path below the bridge's /dicomweb, or a refusal. */
export function upstreamUrl(session: BridgeSession, subPath: string, search: string): URL | ProxyRefusal {
  const match = DICOMWEB_PATH.exec(subPath);
  if (!match || subPath.includes('..') || subPath.includes('//')) return { status: 404, reason: 'not-dicomweb', message: 'Only DICOMweb studies, series and instances are served here.' };
  // The token is for the launch's study; a path naming another study is not sent on.
  const study = /^\/studies\/([^/]+)/.exec(subPath)?.[1];
  if (study && !session.studyUids.includes(study)) return { status: 403, reason: 'other-study', message: 'This session is for another study.' };
  return new URL(`${session.dicomWebRoot}${subPath}${search}`);
}

export function proxyDicomWeb(session: BridgeSession, target: URL, req: IncomingMessage, res: ServerResponse, onDone: (status: number) => void): void {
  const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}` };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers }, answer => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name) && !name.startsWith('access-control-')) out[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
    answer.on('end', () => onDone(answer.statusCode ?? 502));
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' }).end('KHEOPS did not answer.');
    else res.destroy();
    onDone(502);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
