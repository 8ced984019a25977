// Keycloak issues a new refresh token on every refresh. With the realm's "Revoke Refresh Token" off
// (Keycloak's default, and the realm KHEOPS ships), the tokens it replaced stay valid until they
// expire; with it on, a replaced token is refused ("Stale token"). oidc-provider rotates and treats a
// second use as theft (the grant is revoked): that is the strict case as it is. The lenient case is
// oidc-provider's rotation over its own in-memory storage, except that a refresh token is never
// marked as used.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

/** Keycloak's "Revoke Refresh Token": off = 'allowed' (the default), on = 'refused'. */
export type RefreshTokenReuse = 'allowed' | 'refused';

export function storageWithReusableRefreshTokens(): (model: string) => Adapter {
  const memory = createMemoryAdapter();
  return (model) => (model === 'RefreshToken' ? new NeverConsumed(memory(model)) : memory(model));
}

class NeverConsumed implements Adapter {
  constructor(private readonly memory: Adapter) {}

  upsert(id: string, payload: AdapterPayload, expiresIn: number) {
    return this.memory.upsert(id, payload, expiresIn);
  }

  find(id: string) {
    return this.memory.find(id);
  }

  findByUserCode(userCode: string) {
    return this.memory.findByUserCode(userCode);
  }

  findByUid(uid: string) {
    return this.memory.findByUid(uid);
  }

  destroy(id: string) {
    return this.memory.destroy(id);
  }

  revokeByGrantId(grantId: string) {
    return this.memory.revokeByGrantId(grantId);
  }

  async consume(): Promise<void> {
    // A replaced refresh token stays valid until it expires or its grant is revoked.
  }
}
