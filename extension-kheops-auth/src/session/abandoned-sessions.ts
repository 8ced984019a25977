import type { SharedTokenStore } from './shared-token-store';
import type { TabPresence, WithLock } from './web-lock';

/**
 * Deletes the shared token records that no viewer tab uses any more: their access token has expired
 * (an open tab renews ahead of expiry) and no tab holds their session. The refresh token in such a
 * record would otherwise stay in the browser's storage until the provider lets it lapse, for nobody.
 * Runs when a viewer page starts; returns how many records it deleted.
 */
export async function forgetAbandonedSessions(
  store: SharedTokenStore,
  presence: TabPresence | undefined,
  withLock: WithLock,
  nowMs: number,
  refreshLockName: (key: string) => string,
): Promise<number> {
  if (!presence) return 0;
  let forgotten = 0;
  for (const key of await store.keys()) {
    // Under the renewal lock: a tab that starts meanwhile either sees the record or writes a new one after.
    const deleted = await withLock(refreshLockName(key), async () => {
      const record = await store.read(key);
      if (!record || record.expiresAt * 1000 > nowMs || (await presence.isHeld(key))) return false;
      await store.remove(key);
      return true;
    });
    if (deleted) forgotten += 1;
  }
  return forgotten;
}
