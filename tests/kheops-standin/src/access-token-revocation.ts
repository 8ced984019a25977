// Revocation of JWT access tokens, as Keycloak (KHEOPS's identity provider) accepts it.
//
// oidc-provider answers `unsupported_token_type` when a JWT access token is sent to its revocation
// endpoint. oidc-client-ts's revokeTokens() revokes the access token first and stops at that error,
// so the refresh token would never be revoked on sign-out. Here, a JWT access token issued by this
// stand-in goes on the gateway's deny list and gets the RFC 7009 answer (200); every other request
// (refresh tokens, wrong client, foreign origins) is left to oidc-provider.
//
// The Keycloak profile also answers as Keycloak's TokenRevocationEndpoint does for a token it cannot
// decode or whose session is gone: 200 with `{"error":"invalid_token"}` (platform-facts §8).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader } from 'jose';

import { verifyAccessTokenJwt, type TokenVerifier } from './access-token.js';
import { readForm } from './http-utils.js';

export interface RevocationContext {
  /** The revocation endpoint's full path, e.g. /api/token/revocation. */
  path: string;
  verifier: TokenVerifier;
  clientId: string;
  /** CORS headers for a request from `origin` (none for an origin the client does not allow). */
  corsHeaders(origin: string | undefined): Record<string, string>;
  /** Whether the requesting origin may use the viewer's client at all (oidc-provider refuses others). */
  originAllowed(origin: string | undefined): boolean;
  /** Keycloak profile: whether the provider holds this opaque token; unknown ones get `invalid_token`. */
  knowsToken?: (token: string) => Promise<boolean>;
  /** Hands the request to oidc-provider. */
  forward(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const INVALID_TOKEN = { error: 'invalid_token', error_description: 'Invalid token' };

export async function handleRevocation(context: RevocationContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const token = form.get('token') ?? '';
  const origin = req.headers.origin;
  const ours = form.get('client_id') === context.clientId && context.originAllowed(origin);
  if (ours && context.knowsToken && !isJwt(token) && !(await context.knowsToken(token))) {
    return answer(res, context.corsHeaders(origin), INVALID_TOKEN);
  }
  if (!ours || !isJwt(token)) {
    // The body is consumed; oidc-provider reads an already parsed body from req.body.
    (req as IncomingMessage & { body?: Record<string, string> }).body = Object.fromEntries(form);
    return context.forward(req, res);
  }

  try {
    const payload = await verifyAccessTokenJwt(context.verifier, token);
    // oidc-provider names the client `client_id`; Keycloak's tokens name it `azp`.
    const client = payload.client_id ?? payload.azp;
    if (client === context.clientId && typeof payload.jti === 'string' && typeof payload.exp === 'number') {
      context.verifier.grants.revokeAccessToken(payload.jti, payload.exp);
    }
  } catch {
    // RFC 7009 §2.2: an invalid or expired token is not an error for the revocation endpoint;
    // Keycloak says so in a 200 body all the same.
    if (context.knowsToken) return answer(res, context.corsHeaders(origin), INVALID_TOKEN);
  }
  answer(res, context.corsHeaders(origin));
}

/** 200 with no body and no Content-Type (as Keycloak), or with Keycloak's JSON error body. */
function answer(res: ServerResponse, cors: Record<string, string>, body?: object): void {
  const text = body ? JSON.stringify(body) : '';
  res.writeHead(200, {
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...(body ? { 'Content-Type': 'application/json' } : {}),
    ...cors,
  });
  res.end(text);
}

function isJwt(token: string): boolean {
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}
