import { forgetAbandonedSessions } from './abandoned-sessions';
import { MemoryTokenStore, type TokenRecord } from './shared-token-store';
import { inProcessLock, type TabPresence } from './web-lock';

const NOW = 1_800_000_000_000;
const record = (expiresAtMs: number): TokenRecord => ({ user: '{}', expiresAt: Math.floor(expiresAtMs / 1000), receivedAt: expiresAtMs - 300_000 });

function presence(held: string[]): TabPresence {
  return { hold: () => () => undefined, isHeld: async key => held.includes(key) };
}

async function storeWith(records: Record<string, TokenRecord>): Promise<MemoryTokenStore> {
  const store = new MemoryTokenStore();
  for (const [key, value] of Object.entries(records)) await store.write(key, value);
  return store;
}

describe('forgetAbandonedSessions', () => {
  it('deletes only records whose access token expired and that no open tab holds', async () => {
    const store = await storeWith({
      'iss|closed-tabs': record(NOW - 60_000),
      'iss|open-tab': record(NOW - 60_000),
      'iss|still-valid': record(NOW + 60_000),
    });
    const lockNames: string[] = [];
    const withLock = <T>(name: string, task: () => Promise<T>) => {
      lockNames.push(name);
      return inProcessLock(name, task);
    };
    await expect(forgetAbandonedSessions(store, presence(['iss|open-tab']), withLock, NOW, key => `refresh:${key}`)).resolves.toBe(1);
    expect((await store.keys()).sort()).toEqual(['iss|open-tab', 'iss|still-valid']);
    // Each decision under the session's renewal lock, so a tab renewing meanwhile is not undone.
    expect(lockNames).toEqual(expect.arrayContaining(['refresh:iss|closed-tabs']));
  });

  it('deletes nothing where the browser cannot tell which sessions are open', async () => {
    const store = await storeWith({ 'iss|closed-tabs': record(NOW - 60_000) });
    await expect(forgetAbandonedSessions(store, undefined, inProcessLock, NOW, key => key)).resolves.toBe(0);
    expect(await store.keys()).toEqual(['iss|closed-tabs']);
  });
});
