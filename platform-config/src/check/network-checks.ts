// What the viewer will meet at run time, checked from the command line: the provider's discovery
// document and what it may not list (probed: the viewer's own authorization request, a refresh and a
// revocation with made-up tokens), CORS for the browser's token requests, and a DICOMweb root that
// wants a token.
import type { KheopsAuthRoutes, TrustedIssuer } from '../../../extension-kheops-auth/src/config/types';
import { allowedHeaders, allowsOrigin, networkErrorText, request } from './http';
import { probeAuthorization, probeRefresh, probeRenewal, probeRevocation, type AuthorizationAnswer, type JsonAnswer, type Probe, type RenewalAnswer } from './provider-probes';
import { fail, pass, skipped, warn, type CheckResult } from './result';
import { checkSavePermissionAtProvider, type SavePermission } from './save-permission';

export interface NetworkCheckOptions {
  /** Origin the browser runs the viewer on; CORS checks fail with a hint when it is unknown. */
  viewerOrigin: string | undefined;
  timeoutMs: number;
  /** A refresh token of one issuer, to renew once (`--renew-with`, from CHECK_CONFIG_REFRESH_TOKEN). */
  renewal?: { issuer: string; refreshToken: string } | undefined;
}

interface Discovery {
  issuer?: unknown;
  token_endpoint?: unknown;
  revocation_endpoint?: unknown;
  code_challenge_methods_supported?: unknown;
  grant_types_supported?: unknown;
  token_endpoint_auth_methods_supported?: unknown;
  revocation_endpoint_auth_methods_supported?: unknown;
  authorization_response_iss_parameter_supported?: unknown;
  scopes_supported?: unknown;
}

const NO_ORIGIN = 'the viewer origin is unknown (the module URLs are not absolute); pass --viewer-origin https://viewer.example.org';

/** OpenID Connect Discovery §4: the issuer without a trailing slash, then the well-known path. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

export interface IssuerCheckContext {
  routes: KheopsAuthRoutes;
  /** Position in kheopsAuth.issuers, for messages naming keys. */
  index: number;
  savePermission: SavePermission;
}

/** Something this provider does differently from oidc-provider, and whether the viewer copes. */
interface Quirk {
  found: string;
  handled: boolean;
  how: string;
}

export async function checkIssuer(issuer: TrustedIssuer, options: NetworkCheckOptions, context: IssuerCheckContext): Promise<CheckResult[]> {
  const url = discoveryUrl(issuer.issuer);
  let discovery: Discovery;
  try {
    const response = await request(url, { headers: { Accept: 'application/json' } }, options.timeoutMs);
    if (response.status !== 200) {
      await response.body?.cancel();
      return [fail('issuer reachable', `${url} answered HTTP ${response.status}; the viewer cannot sign anyone in without the discovery document`)];
    }
    discovery = (await response.json()) as Discovery;
  } catch (error) {
    return [fail('issuer reachable', `${url} is unreachable (${networkErrorText(error)}); the viewer cannot sign anyone in`)];
  }
  if (typeof discovery !== 'object' || discovery === null) {
    return [fail('issuer reachable', `${url} did not answer a JSON object`)];
  }

  const results = [pass('issuer reachable', `${url} answers`)];
  const matches = discovery.issuer === issuer.issuer;
  results.push(
    matches
      ? pass('issuer matches', `discovery names the configured issuer ${issuer.issuer}`)
      : fail(
          'issuer matches',
          `discovery names issuer ${JSON.stringify(discovery.issuer)}, the configuration says ${JSON.stringify(issuer.issuer)}; they must be equal character for character (ID tokens would be refused)`,
        ),
  );
  results.push(
    listIncludes(discovery.code_challenge_methods_supported, 'S256')
      ? pass('PKCE', 'the provider supports PKCE with S256')
      : fail('PKCE', 'the provider does not list S256 in code_challenge_methods_supported; the viewer signs in only with PKCE S256'),
  );

  const quirks: Quirk[] = [];
  // The extension's own client refuses a discovery document naming another issuer: nothing to probe then.
  if (matches) results.push(...(await checkAuthorizationRequests(issuer, discovery, options, context, quirks)));

  const tokenEndpoint = typeof discovery.token_endpoint === 'string' ? discovery.token_endpoint : undefined;
  const refresh = tokenEndpoint ? await probeRefresh(tokenEndpoint, issuer.clientId, options.viewerOrigin, options.timeoutMs) : undefined;
  // The deployer's token goes only to the token endpoint of a discovery document that names its issuer.
  const given = matches && options.renewal?.issuer === issuer.issuer ? options.renewal.refreshToken : undefined;
  const renewal = tokenEndpoint && given ? await probeRenewal(tokenEndpoint, issuer.clientId, given, options.timeoutMs) : undefined;
  results.push(renewal ? renewalResult(discovery, renewal, quirks) : refreshTokensResult(discovery, refresh, issuer.clientId, quirks));
  results.push(await checkTokenEndpointCors(tokenEndpoint, refresh, options, quirks));
  results.push(await checkRevocation(discovery, issuer, options, quirks));
  const save = checkSavePermissionAtProvider(issuer, context.index, context.savePermission, discovery.scopes_supported);
  if (save) results.push(save);
  results.push(quirksResult(issuer.issuer, discovery, quirks));
  return results;
}

function errorText(answer: { error?: string | undefined; description?: string | undefined }): string {
  return `${answer.error ?? ''}${answer.description ? ` (${answer.description})` : ''}`;
}

/**
 * The viewer's own authorization requests, for the tab and for the sign-in popup: both redirect URIs
 * must be registered, and the provider must take the request as the extension builds it (nonce included).
 */
async function checkAuthorizationRequests(
  issuer: TrustedIssuer,
  discovery: Discovery,
  options: NetworkCheckOptions,
  context: IssuerCheckContext,
  quirks: Quirk[],
): Promise<CheckResult[]> {
  const name = 'redirect URIs';
  if (!options.viewerOrigin) return [skipped(name, NO_ORIGIN), skipped('nonce', NO_ORIGIN)];
  const answers: AuthorizationAnswer[] = [];
  for (const returnTo of ['tab', 'popup'] as const) {
    const probe = await probeAuthorization(issuer, context.routes, options.viewerOrigin, returnTo, options.timeoutMs);
    if (!probe.answered) return [skipped(name, probe.reason), skipped('nonce', probe.reason)];
    answers.push(probe.answer);
  }
  const results: CheckResult[] = [];
  const refused = answers.filter(answer => answer.outcome === 'refused' || answer.outcome === 'server-error');
  const errors = answers.filter(answer => answer.outcome === 'error');
  if (refused.length > 0) {
    const said = refused
      .map(answer =>
        answer.outcome === 'server-error'
          ? `the viewer's authorization request with redirect_uri ${answer.redirectUri} got HTTP ${answer.status}`
          : `the provider refuses the viewer's authorization request for client "${issuer.clientId}" with redirect_uri ${answer.redirectUri} (HTTP ${answer.status}, its own error page)`,
      )
      .join('; ');
    const uris = refused.map(answer => answer.redirectUri);
    results.push(fail(name, `${said}: register ${uris.join(' and ')} as redirect URI${uris.length === 1 ? '' : 's'} of client "${issuer.clientId}" (exact match), and check the client id`));
  } else {
    const where = answers.map(answer => answer.redirectUri).join(' and ');
    results.push(
      errors.length === 0
        ? pass(name, `probed ok: ${where} accepted for client "${issuer.clientId}" (the provider went on to its sign-in)`)
        : pass(name, `probed ok: the provider sends its answers to ${where}, so they are registered`),
    );
  }
  if (errors.some(answer => answer.sentIss) && discovery.authorization_response_iss_parameter_supported !== true) {
    quirks.push({ found: 'RFC 9207 iss sent but not advertised', handled: true, how: 'the viewer checks iss whenever it is present' });
  }

  const nonceError = errors.find(answer => /nonce/i.test(errorText(answer)));
  if (refused.length === answers.length) {
    results.push(skipped('nonce', 'the provider refused the authorization request before reading it (see redirect URIs)'));
  } else if (nonceError) {
    results.push(
      fail(
        'nonce',
        nonceError.sentNonce
          ? `the provider refuses the viewer's nonce: ${errorText(nonceError)}; nobody can sign in`
          : `the provider requires a nonce (${errorText(nonceError)}) and the viewer's authorization request carries none: nobody can sign in; deploy an extension that sends one`,
      ),
    );
  } else if (answers.every(answer => answer.sentNonce)) {
    results.push(
      pass('nonce', 'the viewer sends a fresh nonce with every authorization request and oidc-client-ts checks it in the ID token, as providers that require one (Glewlwyd) need; the provider took the request'),
    );
  } else {
    results.push(warn('nonce', "the viewer's authorization request carries no nonce: this provider took it, but one that requires a nonce (Glewlwyd) refuses every sign-in"));
  }
  // Both requests (tab and popup) may carry the same refusal: only one that is not about the nonce is another problem.
  const otherError = errors.find(answer => !/nonce/i.test(errorText(answer)));
  if (otherError) {
    results.push(
      fail(
        'authorization request',
        `the provider answers the viewer's authorization request with ${errorText(otherError)}; nobody can sign in. Check kheopsAuth.issuers[${context.index}].scope ("${issuer.scope}") and the grant types and scopes the client may use`,
      ),
    );
  }
  return results;
}

const CANNOT_RENEW = 'sessions cannot be renewed, so people must sign in again each time the access token expires';

function answerText(probe: Probe<JsonAnswer> | undefined): string {
  if (!probe) return 'no request (discovery has no token_endpoint)';
  if (!probe.answered) return probe.reason;
  const { answer } = probe;
  return `HTTP ${answer.status}${answer.error ? ` ${answer.error}` : answer.empty ? ' with an empty body' : ''}`;
}

/**
 * `grant_types_supported` is not the last word (Glewlwyd lists no refresh_token and renews fine), so a
 * refresh with a made-up token asks the token endpoint itself: a provider that offers the grant judges
 * the token (invalid_grant); one that does not says unsupported_grant_type.
 */
function refreshTokensResult(discovery: Discovery, probe: Probe<JsonAnswer> | undefined, clientId: string, quirks: Quirk[]): CheckResult {
  const name = 'refresh tokens';
  const listed = listIncludes(discovery.grant_types_supported, 'refresh_token');
  const answer = probe?.answered ? probe.answer : undefined;
  const judgedOnToken = answer?.error === 'invalid_grant';
  if (!listIncludes(discovery.token_endpoint_auth_methods_supported, 'none')) {
    quirks.push({
      found: 'no "none" token endpoint auth method listed',
      handled: true,
      how: judgedOnToken ? 'the viewer sends client_id alone, and the token endpoint took it (probed)' : 'the viewer sends client_id alone, as public clients do',
    });
  }
  if (answer?.status === 400 && answer.empty) {
    quirks.push({ found: 'token endpoint refusals with an empty body', handled: true, how: 'any 4xx refresh answer ends the session with the sign-in prompt' });
  }
  if (answer && (answer.error === 'invalid_client' || answer.status === 401)) {
    return fail(
      name,
      `the token endpoint refuses client "${clientId}" without a secret (${answerText(probe)}): the viewer is a public client and has none. Make the client public (Keycloak: "Client authentication" off) with the authorization code and refresh grants`,
    );
  }
  if (answer?.error === 'unsupported_grant_type') {
    return fail(name, `the provider does not offer the refresh_token grant (${listed ? 'listed in grant_types_supported, yet ' : 'not listed, and '}a refresh request is answered unsupported_grant_type): ${CANNOT_RENEW}`);
  }
  if (answer?.error === 'unauthorized_client') {
    return fail(name, `client "${clientId}" may not use the refresh_token grant (unauthorized_client): ${CANNOT_RENEW}. Allow refresh tokens for the client`);
  }
  if (!listed) quirks.push({ found: 'refresh_token grant not listed in grant_types_supported', handled: true, how: 'the viewer renews with any refresh token it is given' });
  if (judgedOnToken) {
    return pass(name, `${listed ? 'listed in grant_types_supported, and probed ok' : 'not listed in grant_types_supported, but probed ok'}: a made-up refresh token is judged on its merits (invalid_grant)`);
  }
  if (listed) return pass(name, `listed in grant_types_supported (a made-up refresh token got ${answerText(probe)}, which says no more)`);
  return skipped(
    name,
    `refresh_token is not listed in grant_types_supported, which some providers omit although they renew (Glewlwyd), and a made-up refresh token got ${answerText(
      probe,
    )}, which does not tell whether the grant is offered; to try a real renewal, pass --renew-with <issuer> and a refresh token in CHECK_CONFIG_REFRESH_TOKEN`,
  );
}

/** A real renewal with the deployer's refresh token: what discovery and made-up tokens cannot show. */
function renewalResult(discovery: Discovery, probe: Probe<RenewalAnswer>, quirks: Quirk[]): CheckResult {
  const name = 'refresh tokens';
  if (!probe.answered) return skipped(name, probe.reason);
  const { answer } = probe;
  if (!listIncludes(discovery.grant_types_supported, 'refresh_token')) {
    quirks.push({ found: 'refresh_token grant not listed in grant_types_supported', handled: true, how: 'the viewer renews with any refresh token it is given' });
  }
  if (answer.renewed) {
    if (answer.tokenType && answer.tokenType !== 'Bearer') {
      quirks.push({ found: `token_type "${answer.tokenType}"`, handled: true, how: 'the viewer always sends "Authorization: Bearer"' });
    }
    if (!answer.idToken) quirks.push({ found: 'no id_token on refresh', handled: true, how: 'the signed-in person carries over from the sign-in' });
    return pass(
      name,
      `probed ok with the refresh token given: renewed (${answer.newRefreshToken ? 'a new refresh token came back: the given one may now be spent' : 'no new refresh token'}); the new tokens were dropped unread`,
    );
  }
  if (answer.error === 'unsupported_grant_type' || answer.error === 'unauthorized_client') {
    return fail(name, `the refresh token given was refused with ${answer.error}: ${CANNOT_RENEW}`);
  }
  return skipped(
    name,
    `the refresh token given was refused (HTTP ${answer.status}${answer.error ? ` ${answer.error}` : ''}); it may have expired or been used already: sign in again and pass a fresh one`,
  );
}

/**
 * RFC 7009 §2.2: a provider answers 200 for a token it does not know. A refusal of the public
 * client's request means sign-out cannot end the refresh token there: the viewer still forgets it in
 * every tab and says so, but the grant lives until it expires.
 */
async function checkRevocation(discovery: Discovery, issuer: TrustedIssuer, options: NetworkCheckOptions, quirks: Quirk[]): Promise<CheckResult> {
  const name = 'revocation';
  const endpoint = discovery.revocation_endpoint;
  if (typeof endpoint !== 'string') {
    return warn(name, `${issuer.issuer} offers no revocation_endpoint: sign-out only forgets the tokens in this browser, and the refresh token stays valid at the provider until it expires`);
  }
  const probe = await probeRevocation(endpoint, issuer.clientId, options.timeoutMs);
  if (!probe.answered) return skipped(name, probe.reason);
  const { answer } = probe;
  if (answer.status >= 200 && answer.status < 300) {
    if (answer.error) quirks.push({ found: `revocation answered 200 with {"error":"${answer.error}"}`, handled: true, how: 'the viewer takes any 2xx as revoked (RFC 7009 §2.2)' });
    return pass(name, `probed ok: ${endpoint} accepts a revocation from the public client (client_id, no secret): HTTP ${answer.status} for a made-up token`);
  }
  if (answer.status >= 500) return skipped(name, `${endpoint} answered HTTP ${answer.status} to a revocation of a made-up token; try again later`);
  const bearer = listIncludes(discovery.revocation_endpoint_auth_methods_supported, 'bearer');
  quirks.push({
    found: `revocation by client_id refused (HTTP ${answer.status})`,
    handled: true,
    how: bearer ? 'the viewer retries with the access token as a Bearer credential, which discovery offers' : 'sign-out says the provider kept the session, and clears every tab',
  });
  const said = `${endpoint} refuses a revocation from the public client (client_id, no secret): HTTP ${answer.status}${answer.error ? ` ${answer.error}` : answer.empty ? ', empty body' : ''}`;
  return warn(
    name,
    bearer
      ? `${said}. The viewer then sends it again with the access token as Bearer (listed in revocation_endpoint_auth_methods_supported; not probed: that needs a real token); should that be refused too, sign-out says the session stays valid at the provider and still clears every tab`
      : `${said}: sign-out will be refused, so the refresh token stays valid until it expires; the viewer then clears every tab and says so. Let public clients revoke their own tokens with client_id`,
  );
}

function quirksResult(issuerId: string, discovery: Discovery, quirks: Quirk[]): CheckResult {
  if (discovery.authorization_response_iss_parameter_supported !== true && !quirks.some(quirk => quirk.found.startsWith('RFC 9207'))) {
    quirks.unshift({ found: 'RFC 9207 iss parameter not advertised', handled: true, how: 'the viewer requires iss only when discovery announces it, and checks it whenever present' });
  }
  if (quirks.length === 0) return pass('quirks', `${issuerId}: none found in discovery and the probes`);
  const text = quirks.map(quirk => `${quirk.found} (${quirk.handled ? 'handled' : 'not handled'}: ${quirk.how})`).join('; ');
  return quirks.every(quirk => quirk.handled) ? pass('quirks', `${issuerId}: ${text}`) : warn('quirks', `${issuerId}: ${text}`);
}

/**
 * The browser calls the token endpoint itself (a public client), so the provider must let the viewer
 * origin read its answers. A preflight alone proves little: a form POST needs none, and providers such
 * as oidc-provider allow any origin in preflights and decide per client on the request itself. So the
 * (deliberately failing) refresh request decides; the preflight only sharpens the message.
 */
async function checkTokenEndpointCors(tokenEndpoint: string | undefined, refresh: Probe<JsonAnswer> | undefined, options: NetworkCheckOptions, quirks: Quirk[]): Promise<CheckResult> {
  const name = 'token endpoint CORS';
  if (!tokenEndpoint) return fail(name, 'discovery has no token_endpoint');
  const origin = options.viewerOrigin;
  if (!origin) return fail(name, NO_ORIGIN);
  if (!refresh?.answered) return fail(name, refresh?.reason ?? `${tokenEndpoint} was not asked`);
  const post = refresh.answer;
  if (post.allowOrigin === '*' && post.allowCredentials) {
    quirks.push({ found: 'CORS "*" with credentials allowed', handled: true, how: 'the viewer sends no cookies to the token endpoint, so browsers accept the wildcard' });
  }
  if (post.allowOrigin === '*' || post.allowOrigin === origin) return pass(name, `${tokenEndpoint} allows requests from ${origin}`);
  let preflightAllows = false;
  try {
    const preflight = await request(tokenEndpoint, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } }, options.timeoutMs);
    await preflight.body?.cancel();
    preflightAllows = allowsOrigin(preflight, origin);
  } catch {
    // The POST already answered; the preflight only sharpens the message.
  }
  return fail(
    name,
    `${tokenEndpoint} does not allow the viewer origin ${origin} (no matching Access-Control-Allow-Origin${
      preflightAllows ? ' on the token request, although the preflight allows it' : ''
    }${post.description ? `; it says: ${post.description}` : ''}); the browser cannot exchange the code for tokens. Add ${origin} to the client's web origins`,
  );
}

export async function checkDicomWeb(root: string, options: NetworkCheckOptions): Promise<CheckResult[]> {
  return [await checkProtected(root, options), await checkDicomWebCors(root, options)];
}

/** Without a token, a KHEOPS DICOMweb root answers 401: reachable, and protected. */
async function checkProtected(root: string, options: NetworkCheckOptions): Promise<CheckResult> {
  const name = 'DICOMweb root';
  const url = `${root}/studies?limit=1`;
  try {
    const response = await request(url, { headers: { Accept: 'application/dicom+json' } }, options.timeoutMs);
    await response.body?.cancel();
    if (response.status === 401) return pass(name, `${url} answers and asks for a token (401)`);
    if (response.status >= 200 && response.status < 300) {
      return fail(name, `${url} answers without authentication (HTTP ${response.status}); tokens would protect nothing`);
    }
    return fail(name, `${url} answered HTTP ${response.status} without a token; expected 401`);
  } catch (error) {
    return fail(name, `${url} is not answering (${networkErrorText(error)})`);
  }
}

/** The viewer sends `Authorization: Bearer`, which always needs a preflight naming that header. */
async function checkDicomWebCors(root: string, options: NetworkCheckOptions): Promise<CheckResult> {
  const name = 'DICOMweb CORS';
  const origin = options.viewerOrigin;
  if (!origin) return fail(name, NO_ORIGIN);
  const url = `${root}/studies`;
  try {
    const response = await request(
      url,
      { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } },
      options.timeoutMs,
    );
    await response.body?.cancel();
    if (!response.ok) return fail(name, `the preflight to ${url} answered HTTP ${response.status}; browsers need a 2xx answer`);
    if (!allowsOrigin(response, origin)) {
      return fail(name, `${url} does not allow the viewer origin ${origin} (no matching Access-Control-Allow-Origin); the viewer cannot load images`);
    }
    // A wildcard in Access-Control-Allow-Headers does not cover Authorization (Fetch standard).
    if (!allowedHeaders(response).includes('authorization')) {
      return fail(name, `${url} does not list Authorization in Access-Control-Allow-Headers; browsers will not send the bearer token`);
    }
    return pass(name, `${url} allows ${origin} to send the Authorization header`);
  } catch (error) {
    return fail(name, `the preflight to ${url} got no answer (${networkErrorText(error)})`);
  }
}

function listIncludes(list: unknown, value: string): boolean {
  return Array.isArray(list) && list.includes(value);
}
