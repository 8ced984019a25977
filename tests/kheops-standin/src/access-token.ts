// Checks a DICOMweb bearer token the way a resource server in front of KHEOPS data would.
import { errors, jwtVerify, type JWTPayload } from 'jose';

import type { GatewayOutcome, TokenFacts } from './request-log.js';
import type { GrantRegistry } from './revocations.js';

export type { TokenFacts };

export type TokenCheck =
  | { ok: true; facts: TokenFacts; scopes: Set<string>; /** Set for a study-scoped token (KHEOPS viewer / report-provider token). */ studyUid?: string }
  | { ok: false; status: 401 | 403; outcome: GatewayOutcome; error: string; reason: string; facts: TokenFacts };

export interface TokenVerifier {
  publicKey: CryptoKey;
  issuer: string;
  audience: string;
  grants: GrantRegistry;
  /**
   * KHEOPS in front of a Keycloak realm (OidcAccessToken.java) accepts any RS256 token of the realm
   * with a `sub`, whatever its audience, type, client or scope, with the user's own rights: those
   * rights come from here instead of the token's `scope`.
   */
  realmTokens?: { rightsOf(sub: string): Set<string> };
}

const NO_TOKEN_FACTS: TokenFacts = { tokenId: 'none' };

/** KHEOPS accepts `Bearer <token>` and Basic with the token as the password; so does the stand-in. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const credentials = rest.join(' ');
  if (!credentials) return undefined;
  if (scheme.toLowerCase() === 'bearer') return credentials;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

export async function checkAccessToken(
  verifier: TokenVerifier,
  token: string,
  requiredScope: 'read' | 'write',
): Promise<TokenCheck> {
  let payload: JWTPayload;
  try {
    payload = await verifyAccessTokenJwt(verifier, token);
  } catch (error) {
    return refusal(error);
  }

  const facts = factsOf(payload);
  const scopes = verifier.realmTokens
    ? verifier.realmTokens.rightsOf(payload.sub ?? '')
    : new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  if (verifier.grants.isAccessTokenRevoked(facts.tokenId)) {
    return { ok: false, status: 401, outcome: 'revoked', error: 'invalid_token', reason: 'the access token was revoked', facts };
  }
  if (!scopes.has(requiredScope)) {
    return {
      ok: false,
      status: 403,
      outcome: 'insufficient-scope',
      error: 'insufficient_scope',
      reason: `this request needs the "${requiredScope}" scope`,
      facts,
    };
  }
  return { ok: true, facts, scopes, ...(typeof payload.study_uid === 'string' ? { studyUid: payload.study_uid } : {}) };
}

/** Signature, issuer and expiry (and, for the stand-in's own tokens, audience and type); throws jose's errors. */
export async function verifyAccessTokenJwt(verifier: TokenVerifier, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, verifier.publicKey, {
    issuer: verifier.issuer,
    algorithms: ['RS256'],
    clockTolerance: 0,
    requiredClaims: ['exp', 'iat', 'jti', 'sub'],
    ...(verifier.realmTokens ? {} : { audience: verifier.audience, typ: 'at+jwt' }),
  });
  return payload;
}

export function refusal(error: unknown): TokenCheck & { ok: false } {
  if (error instanceof errors.JWTExpired) {
    // The signature was verified before the expiry check, so these claims are trustworthy enough to log.
    return { ok: false, status: 401, outcome: 'expired', error: 'invalid_token', reason: 'the access token expired', facts: factsOf(error.payload) };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, status: 401, outcome: 'invalid-token', error: 'invalid_token', reason: `the "${error.claim}" claim is not acceptable`, facts: NO_TOKEN_FACTS };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { ok: false, status: 401, outcome: 'invalid-token', error: 'invalid_token', reason: 'the token signature does not verify', facts: NO_TOKEN_FACTS };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return { ok: false, status: 401, outcome: 'invalid-token', error: 'invalid_token', reason: 'the token algorithm is not accepted', facts: NO_TOKEN_FACTS };
  }
  return { ok: false, status: 401, outcome: 'invalid-token', error: 'invalid_token', reason: 'the token is not a valid JWT access token', facts: NO_TOKEN_FACTS };
}

export function factsOf(payload: JWTPayload): TokenFacts {
  return {
    tokenId: typeof payload.jti === 'string' ? payload.jti : 'none',
    ...(typeof payload.sub === 'string' ? { sub: payload.sub } : {}),
    ...(typeof payload.scope === 'string' ? { scope: payload.scope } : {}),
    ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
    ...(typeof payload.iat === 'number' ? { iat: payload.iat } : {}),
  };
}
