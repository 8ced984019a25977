import type Provider from 'oidc-provider';

/**
 * JWT access tokens are self-contained: revoking a grant at the provider does not stop a resource
 * server that only checks signatures. A real deployment would introspect or keep a deny list; the
 * stand-in keeps the deny list. It remembers which grant each access token came from (by `jti`),
 * so a revocation hits exactly the tokens of the revoked grants and never a token issued afterwards,
 * even within the same second (an `iat` cut-off could not tell those apart).
 */
export class GrantRegistry {
  private readonly grantsByAccount = new Map<string, Set<string>>();
  private readonly grantOfAccessToken = new Map<string, { grantId: string; exp: number }>();
  private readonly revokedGrants = new Set<string>();
  /** Single access tokens revoked at the revocation endpoint, with their expiry for pruning. */
  private readonly revokedTokens = new Map<string, number>();
  private insertsSinceSweep = 0;

  recordGrant(accountId: string, grantId: string): void {
    let grants = this.grantsByAccount.get(accountId);
    if (!grants) {
      grants = new Set();
      this.grantsByAccount.set(accountId, grants);
    }
    grants.add(grantId);
  }

  recordAccessToken(jti: string, grantId: string, exp: number): void {
    this.grantOfAccessToken.set(jti, { grantId, exp });
    if (++this.insertsSinceSweep >= 1000) this.forgetExpiredTokens();
  }

  grantsOf(accountId: string): string[] {
    return [...(this.grantsByAccount.get(accountId) ?? [])];
  }

  markRevoked(accountId: string, grantIds: readonly string[]): void {
    for (const grantId of grantIds) this.revokedGrants.add(grantId);
    this.grantsByAccount.delete(accountId);
  }

  revokeAccessToken(jti: string, exp: number): void {
    this.revokedTokens.set(jti, exp);
  }

  /** The grant an access token came from, if it is known. */
  grantOf(jti: string): string | undefined {
    return this.grantOfAccessToken.get(jti)?.grantId;
  }

  isAccessTokenRevoked(jti: string): boolean {
    if (this.revokedTokens.has(jti)) return true;
    const entry = this.grantOfAccessToken.get(jti);
    return entry !== undefined && this.revokedGrants.has(entry.grantId);
  }

  /** Expired tokens are refused for expiry anyway, so their entries are no longer needed. */
  private forgetExpiredTokens(): void {
    this.insertsSinceSweep = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const [jti, { exp }] of this.grantOfAccessToken) {
      if (exp < now) this.grantOfAccessToken.delete(jti);
    }
    for (const [jti, exp] of this.revokedTokens) {
      if (exp < now) this.revokedTokens.delete(jti);
    }
  }
}

/** Keeps the registry in step with what the provider issues. */
export function trackGrants(provider: Provider, registry: GrantRegistry): void {
  provider.on('grant.saved', (grant) => {
    if (grant.accountId) registry.recordGrant(grant.accountId, grant.jti);
  });
  // JWT access tokens are not stored, so they announce themselves as 'issued' (not 'saved') and carry
  // no `exp` on the model yet: their lifetime is `remainingTTL` from now.
  provider.on('access_token.issued', (token) => {
    if (!token.grantId) return;
    const exp = token.exp ?? Math.floor(Date.now() / 1000) + token.remainingTTL;
    registry.recordAccessToken(token.jti, token.grantId, exp);
  });
}

/**
 * Revokes every grant of an account the way the revocation endpoint would: the grant's refresh
 * tokens, codes and the grant itself are destroyed (a later refresh answers invalid_grant), and the
 * grant's JWT access tokens go on the gateway's deny list.
 */
export async function revokeAccount(provider: Provider, registry: GrantRegistry, accountId: string): Promise<number> {
  const grantIds = registry.grantsOf(accountId);
  await Promise.all(
    grantIds.map(async (grantId) => {
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
      ]);
      const grant = await provider.Grant.find(grantId);
      await grant?.destroy();
    }),
  );
  registry.markRevoked(accountId, grantIds);
  return grantIds.length;
}
