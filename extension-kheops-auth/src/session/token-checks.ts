import type { User } from 'oidc-client-ts';
import type { TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';

function audienceIncludes(aud: unknown, clientId: string): boolean {
  return aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
}

/**
 * What oidc-client-ts does not check, for the tokens of a sign-in and of every renewal: a usable
 * bearer access token with an expiry, and an ID token from the configured issuer for this client.
 * (The ID token arrives straight from the token endpoint over TLS, which OIDC Core §3.1.3.7 accepts
 * in place of checking its signature.) A failed check is never used.
 */
export function checkTokens(user: User, issuer: TrustedIssuer): void {
  const problem = (message: string) => new KheopsAuthError('invalid_token_response', `${issuer.displayName} sent unusable tokens: ${message}.`);
  if (typeof user.access_token !== 'string' || user.access_token.length === 0) {
    throw problem('no access token');
  }
  if (typeof user.token_type !== 'string' || user.token_type.toLowerCase() !== 'bearer') {
    throw problem(`the token type is ${JSON.stringify(user.token_type)}, not Bearer`);
  }
  if (typeof user.expires_at !== 'number' || !Number.isFinite(user.expires_at)) {
    throw problem('the access token has no lifetime (expires_in)');
  }
  if (user.profile.iss !== issuer.issuer) {
    throw new KheopsAuthError('issuer_mismatch', `The ID token was issued by ${String(user.profile.iss)}, not by ${issuer.issuer}.`);
  }
  if (!audienceIncludes(user.profile.aud, issuer.clientId)) {
    throw new KheopsAuthError('audience_mismatch', `The ID token is not meant for this viewer (client ${issuer.clientId}).`);
  }
}
