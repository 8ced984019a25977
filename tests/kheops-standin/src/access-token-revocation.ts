// Revocation of JWT access tokens, as Keycloak (KHEOPS's identity provider) accepts it.
//
// oidc-provider answers `unsupported_token_type` when a JWT access token is sent to its revocation
// endpoint. oidc-client-ts's revokeTokens() revokes the access token first and stops at that error,
// so the refresh token would never be revoked on sign-out. Here, a JWT access token issued by this
// stand-in goes on the gateway's deny list and gets the RFC 7009 answer (200); every other request
// (refresh tokens, wrong client, foreign origins) is left to oidc-provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader, jwtVerify } from 'jose';

import type { TokenVerifier } from './access-token.js';
import { readForm } from './http-utils.js';

export const REVOCATION_PATH = '/api/token/revocation';

export interface RevocationContext {
  verifier: TokenVerifier;
  viewerOrigin: string;
  clientId: string;
  /** Hands the request to oidc-provider. */
  forward(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export async function handleRevocation(context: RevocationContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const token = form.get('token') ?? '';
  const origin = req.headers.origin;
  const ours = isJwt(token) && form.get('client_id') === context.clientId && (origin === undefined || origin === context.viewerOrigin);
  if (!ours) {
    // The body is consumed; oidc-provider reads an already parsed body from req.body.
    (req as IncomingMessage & { body?: Record<string, string> }).body = Object.fromEntries(form);
    return context.forward(req, res);
  }

  try {
    const { payload } = await jwtVerify(token, context.verifier.publicKey, {
      issuer: context.verifier.issuer,
      audience: context.verifier.audience,
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    if (payload.client_id === context.clientId && typeof payload.jti === 'string' && typeof payload.exp === 'number') {
      context.verifier.grants.revokeAccessToken(payload.jti, payload.exp);
    }
  } catch {
    // RFC 7009 §2.2: an invalid or expired token is not an error for the revocation endpoint.
  }
  res.writeHead(200, {
    'Cache-Control': 'no-store',
    'Content-Length': 0,
    ...(origin === context.viewerOrigin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
  });
  res.end();
}

function isJwt(token: string): boolean {
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}
