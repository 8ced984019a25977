// Access tokens from OpenID providers other than the stand-in's own, accepted by the DICOMweb gateway
// the way KHEOPS accepts its Keycloak realm's: a JWT signed with a key from the provider's JWKS
// (RS256), the exact issuer, an expiry, a subject that is a known user. The provider's subjects are
// its own (Glewlwyd's are opaque ids), so each is mapped to a stand-in account once, from what the
// provider's userinfo endpoint says about the person.
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';

import { factsOf, refusal, type TokenCheck } from './access-token.js';

export interface ExternalIssuer {
  issuer: string;
  jwksUri: string;
  userinfoEndpoint: string;
  /** The stand-in account (e.g. 'alice') for the provider's userinfo answer, or undefined if unknown. */
  accountFor(userinfo: Record<string, unknown>): string | undefined;
}

interface KnownIssuer {
  config: ExternalIssuer;
  keys: ReturnType<typeof createRemoteJWKSet>;
  /** Provider subject -> stand-in account; only successful look-ups are kept. */
  accounts: Map<string, string>;
}

export class ExternalTokenVerifier {
  private readonly issuers = new Map<string, KnownIssuer>();

  constructor(issuers: readonly ExternalIssuer[]) {
    for (const config of issuers) {
      this.issuers.set(config.issuer, { config, keys: createRemoteJWKSet(new URL(config.jwksUri)), accounts: new Map() });
    }
  }

  /** The issuer entry for a token that names one of these issuers (read before any check). */
  private issuerOf(token: string): KnownIssuer | undefined {
    if (this.issuers.size === 0) return undefined;
    try {
      const { iss } = decodeJwt(token);
      return typeof iss === 'string' ? this.issuers.get(iss) : undefined;
    } catch {
      return undefined;
    }
  }

  handles(token: string): boolean {
    return this.issuerOf(token) !== undefined;
  }

  async check(token: string, requiredScope: 'read' | 'write'): Promise<TokenCheck> {
    const known = this.issuerOf(token);
    if (!known) return refusal(new Error('not an external issuer'));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, known.keys, {
        issuer: known.config.issuer,
        algorithms: ['RS256'],
        // RFC 9068: an ID token (typ JWT) from the same provider is not an access token.
        typ: 'at+jwt',
        clockTolerance: 0,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      return refusal(error);
    }
    const account = await this.accountOf(known, payload.sub ?? '', token);
    const facts = { ...factsOf(payload), ...(account ? { sub: account } : {}) };
    if (!account) {
      return { ok: false, status: 401, outcome: 'invalid-token', error: 'invalid_token', reason: 'the token\'s subject is not a known user', facts };
    }
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    if (!scopes.has(requiredScope)) {
      return { ok: false, status: 403, outcome: 'insufficient-scope', error: 'insufficient_scope', reason: `this request needs the "${requiredScope}" scope`, facts };
    }
    return { ok: true, facts, scopes };
  }

  private async accountOf(known: KnownIssuer, subject: string, token: string): Promise<string | undefined> {
    const cached = known.accounts.get(subject);
    if (cached) return cached;
    try {
      const response = await fetch(known.config.userinfoEndpoint, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
      if (!response.ok) return undefined;
      const userinfo = (await response.json()) as Record<string, unknown>;
      if (userinfo.sub !== subject) return undefined;
      const account = known.config.accountFor(userinfo);
      if (account) known.accounts.set(subject, account);
      return account;
    } catch {
      return undefined;
    }
  }
}
