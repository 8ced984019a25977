// What the viewer keeps for all tabs of a person: the shared session records in IndexedDB (session/shared-token-store.ts).
import { clickSignOut } from './session-indicator';
import type { Page } from 'playwright-core';

/** When (epoch ms) the access token of a shared session record expires (IndexedDB `kheops-auth`/`sessions`). */
export function sharedSessionExpiry(page: Page, key: string): Promise<number> {
  return page.evaluate(
    key =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('kheops-auth');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('sessions', 'readonly').objectStore('sessions').get(key);
          read.onsuccess = () => (read.result ? resolve((read.result as { expiresAt: number }).expiresAt * 1000) : reject(new Error(`no shared session ${key}`)));
          read.onerror = () => reject(read.error);
        };
      }),
    key,
  );
}

/** The sessions whose tokens the browser keeps for the viewer's tabs (IndexedDB keys `<issuer>|<sub>`). */
export function sharedSessionKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('kheops-auth');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains('sessions')) return resolve([]);
          const keys = database.transaction('sessions', 'readonly').objectStore('sessions').getAllKeys();
          keys.onsuccess = () => resolve(keys.result.map(String));
          keys.onerror = () => reject(keys.error);
        };
      }),
  );
}

/**
 * Signs out from the first tab and waits until every tab says so and keeps no session of its own
 * (no stored user, no active issuer) in sessionStorage.
 */
export async function signOutEveryTab(tabs: Page[]): Promise<void> {
  await clickSignOut(tabs[0]!);
  for (const tab of tabs) {
    await tab.locator('[data-kheops-auth-session="signed-out"]').waitFor({ timeout: 30_000 });
    const stored = await tab.evaluate(() => Object.keys(window.sessionStorage).filter(key => key.startsWith('kheops-auth.user.') || key === 'kheops-auth.active-issuer'));
    expect(stored).toEqual([]);
  }
}
