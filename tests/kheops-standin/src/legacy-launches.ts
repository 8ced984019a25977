// The two launches released KHEOPS uses today, each with a token in the URL that cannot be renewed:
// viewer-token links (`<viewer>?url=<API>/api/link/<token>/ohifservermetadata&studyInstanceUIDs=..`)
// and report providers with the implicit flow (`<redirect_uri>#access_token=..&conf_uri=..`).
//
// The viewer token of a link comes out of the token endpoint, as on KHEOPS: the KHEOPS UI's user
// token is exchanged at POST /api/token (RFC 8693; kheops-ui.ts, token-exchange.ts). What still
// differs: the stand-in's study page has no sign-in, so the user token it exchanges is issued to
// `?user=` by the stand-in itself, server-side, and the exchange is made by the stand-in's server
// (GET /ui/viewer-link) rather than by JavaScript in the page.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importJWK, SignJWT, type JWK } from 'jose';

import { findDemoUser } from './accounts.js';
import { checkAccessToken, type TokenVerifier } from './access-token.js';
import { HttpError, readForm, sendJson } from './http-utils.js';
import type { RuntimeSettings } from './settings.js';

export const VIEWER_TOKEN_TTL = 5 * 3600;
export const REPORT_PROVIDER_TOKEN_TTL = 3600;
export const REPORT_PROVIDER_CLIENT_ID = 'ohif-report-provider';
export const REPORT_PROVIDER_CONFIGURATION_PATH = '/api/.well-known/report-provider-configuration';
export const REPORT_PATH = '/api/report';
export const VIEWER_LINK_PATH = '/ui/viewer-link';
const OHIF_SERVER_METADATA = /^\/api\/link\/([^/?]+)\/ohifservermetadata$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;

export interface ReportProviderRegistration {
  clientId: string;
  name: string;
  /** Exact redirect URI from the provider's configuration document (`response_type: token`). */
  redirectUri: string;
}

export interface LegacyLaunchContext {
  url: string;
  issuer: string;
  dicomWebRoot: string;
  viewerOrigin: string;
  signingJwk: JWK;
  verifier: TokenVerifier;
  settings: RuntimeSettings;
  reportProviders: ReportProviderRegistration[];
  /** A study-scoped viewer token for the user signed in to KHEOPS, from the token exchange (kheops-ui.ts). */
  viewerTokenFor(userId: string, studyUid: string): Promise<string>;
  /** Seconds; default 1 h (report provider), as KHEOPS. */
  reportTokenTtl?: number;
}

export function defaultReportProviders(viewerOrigin: string): ReportProviderRegistration[] {
  return [{ clientId: REPORT_PROVIDER_CLIENT_ID, name: 'OHIF viewer', redirectUri: `${viewerOrigin}/kheops/report` }];
}

export function isLegacyLaunchPath(method: string, path: string): boolean {
  return (
    (method === 'GET' && (path === VIEWER_LINK_PATH || path === REPORT_PROVIDER_CONFIGURATION_PATH || OHIF_SERVER_METADATA.test(path))) ||
    (method === 'POST' && path === REPORT_PATH) ||
    (method === 'OPTIONS' && path === REPORT_PROVIDER_CONFIGURATION_PATH)
  );
}

/** A study-scoped access token for the DICOMweb gateway, as KHEOPS's viewer and report-provider tokens are. */
export async function mintStudyToken(
  context: Pick<LegacyLaunchContext, 'issuer' | 'dicomWebRoot' | 'signingJwk'>,
  claims: { sub: string; studyUid: string; scopes: string[]; ttlSeconds: number; clientId: string },
): Promise<{ token: string; jti: string }> {
  const key = await importJWK(context.signingJwk, 'RS256');
  const jti = randomUUID();
  const token = await new SignJWT({ scope: claims.scopes.join(' '), study_uid: claims.studyUid, client_id: claims.clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...(context.signingJwk.kid ? { kid: context.signingJwk.kid } : {}) })
    .setIssuer(context.issuer)
    .setAudience(context.dicomWebRoot)
    .setSubject(claims.sub)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds}s`)
    .sign(key);
  return { token, jti };
}

function scopesFor(context: LegacyLaunchContext, user: string): string[] {
  return context.settings.readOnlyUsers.has(user) ? ['read'] : ['read', 'write'];
}

function requireUid(value: string | null, what: string): string {
  if (!value || value.length > 64 || !UID.test(value)) throw new HttpError(400, `${what} must be a DICOM UID`);
  return value;
}

export async function handleLegacyLaunch(context: LegacyLaunchContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const cors = { 'Access-Control-Allow-Origin': '*' };

  if (path === REPORT_PROVIDER_CONFIGURATION_PATH) {
    if (method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Accept' }).end();
      return;
    }
    // Public, as on KHEOPS (CORS *): no token needed to read it.
    return sendJson(
      res,
      200,
      {
        issuer: context.issuer,
        dicomweb_endpoint: context.dicomWebRoot,
        token_endpoint: `${context.issuer}/token`,
        introspection_endpoint: `${context.issuer}/token/introspect`,
        userinfo_endpoint: `${context.issuer}/me`,
      },
      cors,
    );
  }

  const metadata = OHIF_SERVER_METADATA.exec(path);
  if (metadata) {
    let token: string;
    try {
      token = decodeURIComponent(metadata[1] ?? '');
    } catch {
      throw new HttpError(401, 'not a valid link');
    }
    const check = await checkAccessToken(context.verifier, token, 'read');
    if (!check.ok) throw new HttpError(check.status, check.reason);
    // As KHEOPS: the roots carry the token in the path, which is why the viewer never asks for this.
    const root = `${context.dicomWebRoot}/link/${encodeURIComponent(token)}`;
    return sendJson(
      res,
      200,
      { servers: { dicomWeb: [{ name: 'kheops', qidoRoot: root, wadoRoot: root, wadoUriRoot: `${root}/wado`, qidoSupportsIncludeField: true, imageRendering: 'wadors', thumbnailRendering: 'wadors', requestOptions: { requestFromBrowser: true } }] } },
      cors,
    );
  }

  if (path === VIEWER_LINK_PATH) {
    const user = findDemoUser(url.searchParams.get('user'));
    if (!user) throw new HttpError(400, 'user must be a known user');
    const studyUid = requireUid(url.searchParams.get('study'), 'study');
    const seriesParam = url.searchParams.get('series');
    const seriesUid = seriesParam ? requireUid(seriesParam, 'series') : undefined;
    const viewerPath = url.searchParams.get('path') ?? '/';
    if (!/^\/[A-Za-z0-9/_-]*$/.test(viewerPath)) throw new HttpError(400, 'path must be a plain path');
    const token = await context.viewerTokenFor(user.id, studyUid);
    const target = new URL(viewerPath, context.viewerOrigin);
    target.searchParams.set('url', `${context.dicomWebRoot}/link/${token}/ohifservermetadata`);
    target.searchParams.set('studyInstanceUIDs', studyUid);
    if (seriesUid) target.searchParams.set('seriesInstanceUIDs', seriesUid);
    res.writeHead(302, { Location: target.href, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
    return;
  }

  if (path === REPORT_PATH) {
    const form = await readForm(req);
    const provider = context.reportProviders.find(candidate => candidate.clientId === form.get('client_id'));
    if (!provider) throw new HttpError(400, 'client_id is not a registered report provider');
    const user = findDemoUser(form.get('user'));
    if (!user) throw new HttpError(400, 'user must be a known user');
    const studyUids = form.getAll('studyUID').map(value => requireUid(value, 'studyUID'));
    const studyUid = studyUids[0];
    if (!studyUid) throw new HttpError(400, 'studyUID is required');
    const scopes = scopesFor(context, user.id);
    const ttl = context.reportTokenTtl ?? REPORT_PROVIDER_TOKEN_TTL;
    const { token } = await mintStudyToken(context, { sub: user.id, studyUid, scopes, ttlSeconds: ttl, clientId: provider.clientId });
    const fragment = new URLSearchParams({
      access_token: token,
      token_type: 'bearer',
      expires_in: String(ttl),
      scope: scopes.join(' '),
      client_id: provider.clientId,
      conf_uri: `${context.url}${REPORT_PROVIDER_CONFIGURATION_PATH}`,
      return_uri: `${context.url}/?user=${encodeURIComponent(user.id)}`,
    });
    for (const uid of studyUids) fragment.append('studyUID', uid);
    res.writeHead(302, { Location: `${provider.redirectUri}#${fragment.toString()}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
    return;
  }

  throw new HttpError(404, 'not found');
}
