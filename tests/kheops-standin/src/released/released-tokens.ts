// The tokens released KHEOPS's API accepts, as its AccessTokenVerifier does (platform-facts §2.1-2.3):
//
// - realm tokens: RS256 access tokens of KHEOPS's Keycloak realm, checked by signature and issuer
//   alone (no audience, no client, no scope): the user's full rights, every study they may see;
// - viewer tokens: opaque to the viewer (KHEOPS's are JWE), study-scoped; their own lifetime is never
//   checked, but they live only in this process (a random key per start: a restart kills them all),
//   and one made from a report-provider token dies with it;
// - report-provider tokens: HS256 JWTs with the server's shared secret, one study, 1 h by default,
//   no refresh; their end can be read by anyone at the introspection endpoint.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import { findDemoUser } from '../accounts.js';
import type { TokenCheck, TokenFacts } from '../access-token.js';

export type ReleasedTokenKind = 'realm' | 'viewer' | 'report-provider';

export interface ReleasedSettings {
  /** Lifetime of report-provider tokens issued from now on, seconds (KHEOPS: 3600). */
  reportTokenTtl: number;
  readOnlyUsers: Set<string>;
}

interface ViewerTokenRecord {
  id: string;
  sub: string;
  studyUid: string;
  scopes: string[];
  /** A viewer token exchanged for a report-provider token ends with it (epoch seconds). */
  endsWithParentAt?: number;
}

export interface ReportTokenClaims {
  sub: string;
  studyUids: string[];
  scopes: string[];
  clientId: string;
  exp: number;
  iat: number;
  jti: string;
}

/** What KHEOPS's token endpoint says of a viewer token's lifetime, a figure it does not keep. */
export const VIEWER_TOKEN_ADVERTISED_TTL = 18000;
const REPORT_TOKEN_TYPE = 'report_provider';
/** The compact JWE header KHEOPS's viewer tokens start with (A128KW, A128CBC-HS256). */
const JWE_HEADER = Buffer.from(JSON.stringify({ alg: 'A128KW', enc: 'A128CBC-HS256' })).toString('base64url');

export class ReleasedTokens {
  private viewerTokens = new Map<string, ViewerTokenRecord>();
  private readonly reportSecret = randomBytes(32);
  private readonly realmKeys: JWTVerifyGetKey;

  constructor(
    private readonly realm: { issuer: string; jwksUri: string },
    /** KHEOPS's own issuer: `iss` and `aud` of report-provider tokens. */
    private readonly root: string,
    private readonly settings: ReleasedSettings,
  ) {
    this.realmKeys = createRemoteJWKSet(new URL(realm.jwksUri), { cooldownDuration: 0 });
  }

  /** As a restart of KHEOPS's authorization server (or another replica): every viewer token is gone. */
  restart(): number {
    const count = this.viewerTokens.size;
    this.viewerTokens = new Map();
    return count;
  }

  /** A viewer token, shaped like KHEOPS's JWE and as opaque to the viewer. */
  mintViewerToken(args: { sub: string; studyUid: string; scopes: string[]; endsWithParentAt?: number | undefined }): string {
    const part = (bytes: number) => randomBytes(bytes).toString('base64url');
    const token = [JWE_HEADER, part(24), part(16), part(96), part(16)].join('.');
    this.viewerTokens.set(token, { id: randomUUID(), sub: args.sub, studyUid: args.studyUid, scopes: args.scopes, ...(args.endsWithParentAt ? { endsWithParentAt: args.endsWithParentAt } : {}) });
    return token;
  }

  async mintReportToken(args: { sub: string; studyUids: string[]; scopes: string[]; clientId: string }): Promise<{ token: string; expiresIn: number }> {
    const ttl = this.settings.reportTokenTtl;
    const token = await new SignJWT({ type: REPORT_TOKEN_TYPE, scope: args.scopes.join(' '), study_uids: args.studyUids, azp: args.clientId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.root)
      .setAudience(this.root)
      .setSubject(args.sub)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(this.reportSecret);
    return { token, expiresIn: ttl };
  }

  /** A report-provider token's claims while it is valid (introspection, token exchange). */
  async reportClaims(token: string): Promise<ReportTokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.reportSecret, { issuer: this.root, audience: this.root, algorithms: ['HS256'] });
      if (payload.type !== REPORT_TOKEN_TYPE || typeof payload.sub !== 'string' || !Array.isArray(payload.study_uids)) return undefined;
      return {
        sub: payload.sub,
        studyUids: payload.study_uids.filter((uid): uid is string => typeof uid === 'string'),
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        clientId: typeof payload.azp === 'string' ? payload.azp : '',
        exp: payload.exp ?? 0,
        iat: payload.iat ?? 0,
        jti: payload.jti ?? 'none',
      };
    } catch {
      return undefined;
    }
  }

  /** The person a realm token is for and their rights, when KHEOPS would accept it. */
  async realmUser(token: string): Promise<{ sub: string; scopes: Set<string> } | undefined> {
    const check = await this.checkRealmToken(token);
    return check.ok && check.facts.sub ? { sub: check.facts.sub, scopes: check.scopes } : undefined;
  }

  /** KHEOPS's verifier chain: report-provider token, viewer token, then a realm access token. */
  async check(token: string, requiredScope: 'read' | 'write'): Promise<TokenCheck> {
    const viewer = this.viewerTokens.get(token);
    if (viewer) return this.checkViewerToken(viewer, requiredScope);
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return refused(401, 'invalid-token', 'invalid_token', 'the token is not one this KHEOPS issued or accepts');
    }
    if (alg === 'HS256') return this.checkReportToken(token, requiredScope);
    if (alg === 'RS256') return withScope(await this.checkRealmToken(token), requiredScope);
    return refused(401, 'invalid-token', 'invalid_token', 'the token is not one this KHEOPS issued or accepts');
  }

  private checkViewerToken(record: ViewerTokenRecord, requiredScope: 'read' | 'write'): TokenCheck {
    const facts: TokenFacts = { tokenId: record.id, sub: record.sub, scope: record.scopes.join(' '), kind: 'viewer' };
    if (record.endsWithParentAt !== undefined && record.endsWithParentAt * 1000 <= Date.now()) {
      return refused(401, 'expired', 'invalid_token', 'the report-provider token this viewer token was made from expired', facts);
    }
    return withScope({ ok: true, facts, scopes: new Set(record.scopes), studyUid: record.studyUid }, requiredScope);
  }

  private async checkReportToken(token: string, requiredScope: 'read' | 'write'): Promise<TokenCheck> {
    try {
      await jwtVerify(token, this.reportSecret, { issuer: this.root, audience: this.root, algorithms: ['HS256'], clockTolerance: 0 });
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      return refused(401, expired ? 'expired' : 'invalid-token', 'invalid_token', expired ? 'the report-provider token expired' : 'the report-provider token does not verify', {
        tokenId: 'none',
        kind: 'report-provider',
      });
    }
    const claims = await this.reportClaims(token);
    if (!claims || claims.studyUids.length === 0) return refused(401, 'invalid-token', 'invalid_token', 'the report-provider token names no study');
    const facts: TokenFacts = { tokenId: claims.jti, sub: claims.sub, scope: claims.scopes.join(' '), exp: claims.exp, iat: claims.iat, kind: 'report-provider' };
    return withScope({ ok: true, facts, scopes: new Set(claims.scopes), studyUid: claims.studyUids[0] as string }, requiredScope);
  }

  /** OidcAccessToken.java: RS256 against the realm's keys, `iss` equal, `sub` present. Nothing else. */
  private async checkRealmToken(token: string): Promise<TokenCheck> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.realmKeys, { issuer: this.realm.issuer, algorithms: ['RS256'], clockTolerance: 0, requiredClaims: ['sub', 'exp'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        return refused(401, 'expired', 'invalid_token', 'the realm access token expired', { tokenId: String(error.payload.jti ?? 'none'), kind: 'realm' });
      }
      return refused(401, 'invalid-token', 'invalid_token', 'the token is not an access token of KHEOPS\'s realm', { tokenId: 'none', kind: 'realm' });
    }
    const facts: TokenFacts = {
      tokenId: typeof payload.jti === 'string' ? payload.jti : 'none',
      sub: payload.sub as string,
      ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
      ...(typeof payload.iat === 'number' ? { iat: payload.iat } : {}),
      kind: 'realm',
    };
    // The user must exist in KHEOPS (it learns users at their first sign-in to its UI; here: the demo users).
    if (!findDemoUser(payload.sub)) return refused(401, 'invalid-token', 'invalid_token', 'the token\'s user is not known to KHEOPS', facts);
    const scopes = this.settings.readOnlyUsers.has(payload.sub as string) ? ['read'] : ['read', 'write'];
    return { ok: true, facts: { ...facts, scope: scopes.join(' ') }, scopes: new Set(scopes) };
  }
}

function refused(status: 401 | 403, outcome: (TokenCheck & { ok: false })['outcome'], error: string, reason: string, facts: TokenFacts = { tokenId: 'none' }): TokenCheck {
  return { ok: false, status, outcome, error, reason, facts };
}

function withScope(check: TokenCheck, requiredScope: 'read' | 'write'): TokenCheck {
  if (!check.ok || check.scopes.has(requiredScope)) return check;
  return refused(403, 'insufficient-scope', 'insufficient_scope', `this request needs the "${requiredScope}" right`, check.facts);
}
