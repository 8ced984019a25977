// What the viewer will meet at run time, checked from the command line: the provider's discovery
// document, CORS for the browser's token requests, and a DICOMweb root that wants a token.
import type { TrustedIssuer } from '../../../extension-kheops-auth/src/config/types';
import { allowedHeaders, allowsOrigin, networkErrorText, request } from './http';
import { fail, pass, type CheckResult } from './result';

export interface NetworkCheckOptions {
  /** Origin the browser runs the viewer on; CORS checks fail with a hint when it is unknown. */
  viewerOrigin: string | undefined;
  timeoutMs: number;
}

interface Discovery {
  issuer?: unknown;
  token_endpoint?: unknown;
  code_challenge_methods_supported?: unknown;
  grant_types_supported?: unknown;
}

const NO_ORIGIN = 'the viewer origin is unknown (the module URLs are not absolute); pass --viewer-origin https://viewer.example.org';

/** OpenID Connect Discovery §4: the issuer without a trailing slash, then the well-known path. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

export async function checkIssuer(issuer: TrustedIssuer, options: NetworkCheckOptions): Promise<CheckResult[]> {
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
  results.push(
    discovery.issuer === issuer.issuer
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
  results.push(
    listIncludes(discovery.grant_types_supported, 'refresh_token')
      ? pass('refresh tokens', 'the provider offers the refresh_token grant')
      : fail('refresh tokens', 'the provider does not list refresh_token in grant_types_supported: sessions cannot be renewed, so people must sign in again each time the access token expires'),
  );
  results.push(await checkTokenEndpointCors(discovery.token_endpoint, issuer.clientId, options));
  return results;
}

/**
 * The browser calls the token endpoint itself (a public client), so the provider must let the viewer
 * origin read its answers. A preflight alone proves little: a form POST needs none, and providers such
 * as oidc-provider allow any origin in preflights and decide per client on the request itself. So a
 * real (deliberately failing) refresh request decides; the preflight only sharpens the message.
 */
async function checkTokenEndpointCors(tokenEndpoint: unknown, clientId: string, options: NetworkCheckOptions): Promise<CheckResult> {
  const name = 'token endpoint CORS';
  if (typeof tokenEndpoint !== 'string') return fail(name, 'discovery has no token_endpoint');
  const origin = options.viewerOrigin;
  if (!origin) return fail(name, NO_ORIGIN);
  try {
    const preflight = await request(
      tokenEndpoint,
      { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } },
      options.timeoutMs,
    );
    await preflight.body?.cancel();
    const post = await request(
      tokenEndpoint,
      {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'deployment-check', client_id: clientId }).toString(),
      },
      options.timeoutMs,
    );
    const answer = await post.text();
    if (allowsOrigin(post, origin)) return pass(name, `${tokenEndpoint} allows requests from ${origin}`);
    const said = errorDescription(answer);
    return fail(
      name,
      `${tokenEndpoint} does not allow the viewer origin ${origin} (no matching Access-Control-Allow-Origin${
        allowsOrigin(preflight, origin) ? ' on the token request, although the preflight allows it' : ''
      }${said ? `; it says: ${said}` : ''}); the browser cannot exchange the code for tokens. Add ${origin} to the client's web origins`,
    );
  } catch (error) {
    return fail(name, `${tokenEndpoint} is unreachable (${networkErrorText(error)})`);
  }
}

function errorDescription(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error_description?: unknown };
    return typeof parsed.error_description === 'string' ? parsed.error_description : undefined;
  } catch {
    return undefined;
  }
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
