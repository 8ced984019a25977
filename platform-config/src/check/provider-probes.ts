// Requests that ask a provider what its discovery document may not say, made without a person and
// without any real token: the viewer's own authorization request (built by the extension's code),
// a refresh with a made-up token, and a revocation of a made-up token as the public client sends it.
import type { KheopsAuthRoutes, TrustedIssuer } from '../../../extension-kheops-auth/src/config/types';
import { IssuerClient, type ReturnTo } from '../../../extension-kheops-auth/src/session/issuer-client';
import { networkErrorText, request } from './http';

/** A made-up token: the provider must refuse it (or, for revocation, accept it as already invalid). */
export const MADE_UP_TOKEN = 'deployment-check';

export interface JsonAnswer {
  status: number;
  /** RFC 6749 §5.2 `error` code, when the body is JSON with one. */
  error?: string;
  description?: string;
  /** The body had nothing in it (Glewlwyd's refusals). */
  empty: boolean;
  allowOrigin: string | null;
  allowCredentials: boolean;
}

export type Probe<T> = { answered: true; answer: T } | { answered: false; reason: string };

async function readAnswer(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  const answer: JsonAnswer = {
    status: response.status,
    empty: text.trim() === '',
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowCredentials: response.headers.get('access-control-allow-credentials') === 'true',
  };
  try {
    const parsed = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof parsed.error === 'string') answer.error = parsed.error;
    if (typeof parsed.error_description === 'string') answer.description = parsed.error_description;
  } catch {
    // Not JSON: status and emptiness are all there is.
  }
  return answer;
}

async function postForm(url: string, form: Record<string, string>, headers: Record<string, string>, timeoutMs: number): Promise<Probe<JsonAnswer>> {
  try {
    const response = await request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() }, timeoutMs);
    return { answered: true, answer: await readAnswer(response) };
  } catch (error) {
    return { answered: false, reason: `${url} is unreachable (${networkErrorText(error)})` };
  }
}

/** The refresh grant as the viewer sends it (client_id, no secret), with a token the provider cannot know. */
export function probeRefresh(tokenEndpoint: string, clientId: string, origin: string | undefined, timeoutMs: number): Promise<Probe<JsonAnswer>> {
  return postForm(tokenEndpoint, { grant_type: 'refresh_token', refresh_token: MADE_UP_TOKEN, client_id: clientId }, origin ? { Origin: origin } : {}, timeoutMs);
}

/** RFC 7009 as the viewer's public client sends it first: the token and client_id in the body. */
export function probeRevocation(revocationEndpoint: string, clientId: string, timeoutMs: number): Promise<Probe<JsonAnswer>> {
  return postForm(revocationEndpoint, { token: MADE_UP_TOKEN, token_type_hint: 'refresh_token', client_id: clientId }, {}, timeoutMs);
}

export interface AuthorizationAnswer {
  redirectUri: string;
  /** Whether the request the extension built carries a `nonce`. */
  sentNonce: boolean;
  /**
   * `accepted`: the provider went on to its sign-in (a login page or a redirect elsewhere than the
   * redirect URI); `error`: it sent the browser back to the redirect URI with `error`; `refused`: it
   * answered with an error page of its own (an unknown client or an unregistered redirect URI).
   */
  outcome: 'accepted' | 'error' | 'refused' | 'server-error';
  status: number;
  error?: string;
  description?: string;
  /** The error redirect carried the RFC 9207 `iss` parameter. */
  sentIss?: boolean;
}

/** An in-memory Storage for the extension's sign-in state: the probe never completes a sign-in. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: key => items.get(key) ?? null,
    key: index => [...items.keys()][index] ?? null,
    removeItem: key => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/**
 * The authorization request the viewer itself would send for `returnTo` (the extension's IssuerClient
 * builds it: PKCE, state, nonce, scope), sent without following redirects. Nobody signs in: the
 * answer only shows whether the provider takes the client id, redirect URI and parameters.
 */
export async function probeAuthorization(
  issuer: TrustedIssuer,
  routes: KheopsAuthRoutes,
  viewerOrigin: string,
  returnTo: ReturnTo,
  timeoutMs: number,
): Promise<Probe<AuthorizationAnswer>> {
  const redirectUri = `${viewerOrigin}${returnTo === 'tab' ? routes.callback : routes.popupCallback}`;
  let url: string;
  try {
    const client = new IssuerClient(issuer, routes, { viewerOrigin, storage: memoryStorage() });
    url = (await client.signInRequest({ target: '/kheops', returnTo })).url;
  } catch (error) {
    return { answered: false, reason: `the viewer's authorization request could not be built (${error instanceof Error ? error.message : String(error)})` };
  }
  const sentNonce = new URL(url).searchParams.has('nonce');
  let response: Response;
  try {
    response = await request(url, { headers: { Accept: 'text/html' } }, timeoutMs);
    await response.body?.cancel();
  } catch (error) {
    return { answered: false, reason: `the authorization endpoint is unreachable from here (${networkErrorText(error)})` };
  }
  const base = { redirectUri, sentNonce, status: response.status };
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    const target = new URL(location, url);
    if (`${target.origin}${target.pathname}` === redirectUri) {
      const params = new URLSearchParams(target.search || target.hash.slice(1));
      const error = params.get('error');
      if (error) {
        const description = params.get('error_description');
        return { answered: true, answer: { ...base, outcome: 'error', error, ...(description ? { description } : {}), sentIss: params.has('iss') } };
      }
    }
    return { answered: true, answer: { ...base, outcome: 'accepted' } };
  }
  if (response.status >= 200 && response.status < 300) return { answered: true, answer: { ...base, outcome: 'accepted' } };
  return { answered: true, answer: { ...base, outcome: response.status >= 500 ? 'server-error' : 'refused' } };
}

/** What a real renewal answered: only its shape is kept, never a token. */
export interface RenewalAnswer {
  status: number;
  error?: string;
  renewed: boolean;
  tokenType?: string;
  idToken: boolean;
  newRefreshToken: boolean;
}

/**
 * One refresh grant with a refresh token the deployer handed over (environment, never the command
 * line). The answer's tokens are dropped at once: with rotation the given token is spent, which the
 * README says.
 */
export async function probeRenewal(tokenEndpoint: string, clientId: string, refreshToken: string, timeoutMs: number): Promise<Probe<RenewalAnswer>> {
  let response: Response;
  try {
    response = await request(
      tokenEndpoint,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }).toString(),
      },
      timeoutMs,
    );
  } catch (error) {
    return { answered: false, reason: `${tokenEndpoint} is unreachable (${networkErrorText(error)})` };
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // An empty or non-JSON answer: the status says it all.
  }
  return {
    answered: true,
    answer: {
      status: response.status,
      ...(typeof body.error === 'string' ? { error: body.error } : {}),
      renewed: response.ok && typeof body.access_token === 'string',
      ...(typeof body.token_type === 'string' ? { tokenType: body.token_type } : {}),
      idToken: typeof body.id_token === 'string',
      newRefreshToken: typeof body.refresh_token === 'string',
    },
  };
}
