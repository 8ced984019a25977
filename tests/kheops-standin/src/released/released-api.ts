// Released KHEOPS's API besides DICOMweb, as the viewer and KHEOPS's UI meet it (platform-facts §2.2-2.3):
// the token endpoint (RFC 8693 exchange for viewer tokens; no refresh), open introspection, the
// report-provider launch and configuration document, and ohifservermetadata.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpError, readForm, sendJson } from '../http-utils.js';
import { defaultReportProviders, REPORT_PATH, REPORT_PROVIDER_CONFIGURATION_PATH, type ReportProviderRegistration } from '../legacy-launches.js';
import { checkScopesAllowed, isRefusal, parseViewerTokenRequest, TOKEN_EXCHANGE_GRANT_TYPE, TOKEN_EXCHANGE_PARAMETERS, type TokenExchangeParameters } from '../token-exchange-request.js';
import { VIEWER_TOKEN_ADVERTISED_TTL, type ReleasedTokens } from './released-tokens.js';
import { escapeHtml } from '../html.js';
import { CodeFormRefusal, type CodeProviderRegistration, type ReportCodes } from './report-code.js';

export const TOKEN_PATH = '/api/token';
export const INTROSPECTION_PATH = '/api/token/introspect';
const OHIF_SERVER_METADATA = /^\/api\/link\/([^/?]+)\/ohifservermetadata$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;
/** KHEOPS's API answers CORS with `*` (no credentials). */
const CORS = { 'Access-Control-Allow-Origin': '*' };

export interface ReleasedApiContext {
  /** http://127.0.0.1:<port> */
  url: string;
  /** <url>/api: KHEOPS's issuer for its own tokens, and the DICOMweb root. */
  root: string;
  tokens: ReleasedTokens;
  reportProviders: ReportProviderRegistration[];
  /** Report providers of the code form (report-code.ts) and the codes KHEOPS makes for them. */
  codeProviders: CodeProviderRegistration[];
  codes: ReportCodes;
}

export function releasedReportProviders(viewerOrigin: string): ReportProviderRegistration[] {
  return defaultReportProviders(viewerOrigin);
}

export function isReleasedApiPath(method: string, path: string): boolean {
  if (method === 'OPTIONS') return path === TOKEN_PATH || path === INTROSPECTION_PATH || path === REPORT_PROVIDER_CONFIGURATION_PATH;
  if (method === 'POST') return path === TOKEN_PATH || path === INTROSPECTION_PATH || path === REPORT_PATH;
  return method === 'GET' && (path === REPORT_PROVIDER_CONFIGURATION_PATH || OHIF_SERVER_METADATA.test(path));
}

export async function handleReleasedApi(context: ReleasedApiContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Accept, Content-Type', 'Access-Control-Max-Age': '600' }).end();
    return;
  }
  if (path === REPORT_PROVIDER_CONFIGURATION_PATH) return sendJson(res, 200, configurationDocument(context), CORS);
  if (path === TOKEN_PATH) return tokenEndpoint(context, req, res);
  if (path === INTROSPECTION_PATH) return introspect(context, req, res);
  if (path === REPORT_PATH) return reportLaunch(context, req, res);
  const metadata = OHIF_SERVER_METADATA.exec(path);
  if (metadata) return serverMetadata(context, res, metadata[1] ?? '');
  throw new HttpError(404, 'not found');
}

function configurationDocument({ root }: ReleasedApiContext) {
  return {
    issuer: root,
    dicomweb_endpoint: root,
    dicomweb_uri_endpoint: `${root}/wado`,
    token_endpoint: `${root}/token`,
    introspection_endpoint: `${root}/token/introspect`,
    userinfo_endpoint: `${root}/userinfo`,
    grant_types_supported: ['authorization_code', 'implicit'],
    response_types_supported: ['code', 'token'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, CORS);
}

/** Only the token exchange a viewer link needs; KHEOPS renews nothing (`refresh_token` is unsupported). */
async function tokenEndpoint(context: ReleasedApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const repeated = [...new Set(form.keys())].find(name => form.getAll(name).length > 1);
  if (repeated) return oauthError(res, 400, 'invalid_request', `${repeated} is given more than once`);
  if (form.get('grant_type') === 'authorization_code') return redeemReportCode(context, form, res);
  if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT_TYPE) return oauthError(res, 400, 'unsupported_grant_type', 'grant_type is not supported');
  const params: TokenExchangeParameters = {};
  for (const name of TOKEN_EXCHANGE_PARAMETERS) {
    const value = form.get(name);
    if (value !== null) params[name] = value;
  }
  const request = parseViewerTokenRequest(params);
  if (isRefusal(request)) return oauthError(res, 400, request.error, request.description);
  // A realm token (the UI's user) or a report-provider token (the viewer token then dies with it).
  const report = await context.tokens.reportClaims(request.subjectToken);
  const realm = report ? undefined : await context.tokens.realmUser(request.subjectToken);
  const subject = report ? { sub: report.sub, scopes: new Set(report.scopes) } : realm;
  if (!subject) return oauthError(res, 400, 'invalid_grant', 'subject_token is not a valid KHEOPS or realm access token');
  if (report && !report.studyUids.includes(request.studyUid)) return oauthError(res, 400, 'invalid_grant', 'subject_token is for another study');
  const scopeProblem = checkScopesAllowed(request.scopes, subject.scopes, false);
  if (scopeProblem) return oauthError(res, 400, scopeProblem.error, scopeProblem.description);
  const token = context.tokens.mintViewerToken({ sub: subject.sub, studyUid: request.studyUid, scopes: request.scopes, endsWithParentAt: report?.exp });
  sendJson(res, 200, { access_token: token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: VIEWER_TOKEN_ADVERTISED_TTL }, CORS);
}

/** Open to anyone, unauthenticated, as KHEOPS's is; only report-provider tokens are ever active. */
async function introspect(context: ReleasedApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = (await readForm(req)).get('token') ?? '';
  const claims = token ? await context.tokens.reportClaims(token) : undefined;
  if (!claims) return sendJson(res, 200, { active: false }, CORS);
  sendJson(
    res,
    200,
    {
      active: true,
      iss: context.root,
      sub: claims.sub,
      scope: claims.scopes.join(' '),
      azp: claims.clientId,
      client_id: claims.clientId,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.iat,
      aud: context.root,
      studyUID: claims.studyUids.length === 1 ? claims.studyUids[0] : claims.studyUids,
    },
    CORS,
  );
}

/** The implicit form: KHEOPS redirects the user's browser to the provider with the token in the fragment. */
async function reportLaunch(context: ReleasedApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // KHEOPS's UI posts the signed-in user's token with the launch.
  const form = await readForm(req);
  const user = await context.tokens.realmUser(form.get('access_token') ?? '');
  if (!user) throw new HttpError(401, 'sign in to KHEOPS first');
  const studyUids = form.getAll('studyUID');
  if (studyUids.length === 0 || studyUids.some(uid => uid.length > 64 || !UID.test(uid))) throw new HttpError(400, 'studyUID must be DICOM UIDs');
  const codeProvider = context.codeProviders.find(candidate => candidate.clientId === form.get('client_id'));
  if (codeProvider) return codeLaunch(context, res, codeProvider, user.sub, studyUids);
  const provider = context.reportProviders.find(candidate => candidate.clientId === form.get('client_id'));
  if (!provider) throw new HttpError(400, 'client_id is not a registered report provider');
  const scopes = user.scopes.has('write') ? ['read', 'write'] : ['read'];
  const { token, expiresIn } = await context.tokens.mintReportToken({ sub: user.sub, studyUids, scopes, clientId: provider.clientId });
  const fragment = new URLSearchParams({
    access_token: token,
    token_type: 'bearer',
    expires_in: String(expiresIn),
    scope: scopes.join(' '),
    client_id: provider.clientId,
    conf_uri: `${context.url}${REPORT_PROVIDER_CONFIGURATION_PATH}`,
    return_uri: `${context.url}/`,
  });
  for (const uid of studyUids) fragment.append('studyUID', uid);
  res.writeHead(302, { Location: `${provider.redirectUri}#${fragment.toString()}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
}

async function serverMetadata(context: ReleasedApiContext, res: ServerResponse, segment: string): Promise<void> {
  let token: string;
  try {
    token = decodeURIComponent(segment);
  } catch {
    throw new HttpError(401, 'not a valid link');
  }
  const check = await context.tokens.check(token, 'read');
  if (!check.ok) throw new HttpError(check.status, check.reason);
  const root = `${context.root}/link/${encodeURIComponent(token)}`;
  sendJson(res, 200, { servers: { dicomWeb: [{ name: 'kheops', qidoRoot: root, wadoRoot: root, wadoUriRoot: `${root}/wado`, qidoSupportsIncludeField: true, imageRendering: 'wadors', thumbnailRendering: 'wadors' }] } }, CORS);
}

/**
 * The code form: KHEOPS reads the provider's document again (its redirect_uri), and answers a page that
 * sends the browser there with the code (a meta refresh, as KHEOPS's ReportProviderResource does).
 */
async function codeLaunch(context: ReleasedApiContext, res: ServerResponse, provider: CodeProviderRegistration, sub: string, studyUids: string[]): Promise<void> {
  let document;
  try {
    document = await context.codes.providerDocument(provider);
  } catch (error) {
    throw new HttpError(502, error instanceof Error ? error.message : 'the report provider cannot be reached');
  }
  const query = new URLSearchParams({
    code: await context.codes.mintCode({ sub, studyUids, clientId: provider.clientId }),
    conf_uri: `${context.url}${REPORT_PROVIDER_CONFIGURATION_PATH}`,
    client_id: provider.clientId,
    return_uri: `${context.url}/`,
  });
  for (const uid of studyUids) query.append('studyUID', uid);
  const target = `${document.redirectUri}?${query.toString()}`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; URL='${escapeHtml(target)}'"><title>Opening ${escapeHtml(provider.name)}</title></head><body></body></html>`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
}

/** grant_type=authorization_code: private_key_jwt only, a 1 h token with "read write", nothing to renew it. */
async function redeemReportCode(context: ReleasedApiContext, form: URLSearchParams, res: ServerResponse): Promise<void> {
  let claims;
  try {
    claims = await context.codes.redeem(form, context.codeProviders);
  } catch (error) {
    if (error instanceof CodeFormRefusal) return oauthError(res, error.error === 'invalid_client' ? 401 : 400, error.error, error.message);
    throw error;
  }
  const { token, expiresIn } = await context.tokens.mintReportToken({ sub: claims.sub, studyUids: claims.studyUids, scopes: ['read', 'write'], clientId: claims.clientId });
  context.codes.issuedTokens.push(token);
  sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn }, CORS);
}
