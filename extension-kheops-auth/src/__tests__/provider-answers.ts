/**
 * The network of a real OpenID provider for unit tests that run the real oidc-client-ts: only
 * `fetch` is replaced. Each endpoint answers what the test says, in the shapes real providers use
 * (Glewlwyd's empty 400 and 401, Keycloak's 200 with an error body, lower-case `bearer`, ...).
 */
import { ISSUER } from './fixtures';

export const TOKEN_ENDPOINT = `${ISSUER}/token`;
export const REVOCATION_ENDPOINT = `${ISSUER}/revoke`;
export const END_SESSION_ENDPOINT = `${ISSUER}/end_session`;

/** The test issuer's discovery document: what every provider lists, plus what a test adds or overrides. */
export function discoveryDocument(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/auth`,
    token_endpoint: TOKEN_ENDPOINT,
    jwks_uri: `${ISSUER}/jwks`,
    code_challenge_methods_supported: ['S256'],
    ...extra,
  };
}

export interface SeenRequest {
  url: string;
  body: URLSearchParams;
  headers: Headers;
}

export type Answer = (request: SeenRequest) => Response | Promise<Response>;

export interface ProviderAnswers {
  /** Every request to the token and revocation endpoints, in order. */
  requests: SeenRequest[];
  /** Discovery fields beyond the usual ones (or `undefined` to drop one). */
  discovery: Record<string, unknown>;
  token: Answer;
  revocation: Answer;
}

export function base64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An ID token as the provider would send it (oidc-client-ts reads its claims; the signature is not its job). */
export function idToken(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.c2lnbmF0dXJl`;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** An answer with no body and no Content-Type, as Glewlwyd sends its refusals. */
export function empty(status: number): Response {
  return new Response(null, { status });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Replaces `fetch` until the returned restore() is called. */
export function answerAsProvider(answers: Partial<ProviderAnswers> = {}): ProviderAnswers & { restore(): void } {
  const state: ProviderAnswers = {
    requests: [],
    discovery: {},
    token: () => json({ error: 'invalid_request' }, 400),
    revocation: () => empty(200),
    ...answers,
  };
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return json(discoveryDocument({ revocation_endpoint: REVOCATION_ENDPOINT, end_session_endpoint: END_SESSION_ENDPOINT, ...state.discovery }));
    }
    const request: SeenRequest = { url, body: new URLSearchParams(String(init?.body ?? '')), headers: new Headers(init?.headers) };
    if (url === TOKEN_ENDPOINT) {
      state.requests.push(request);
      return state.token(request);
    }
    if (url === REVOCATION_ENDPOINT) {
      state.requests.push(request);
      return state.revocation(request);
    }
    return json({ error: 'not_found' }, 404);
  }) as typeof fetch;
  return Object.assign(state, { restore: () => (globalThis.fetch = original) });
}
