import type { Page } from 'playwright-core';
import { setGlewlwydAccessTokenTtl } from '../../stack/glewlwyd';
import type { GlewlwydEndpoints } from '../../stack/stack';
import type { StackInfo } from './stack-info';

/** The stack's Glewlwyd; the e2e stack always runs it (TEST_GLEWLWYD_PORT). */
export function glewlwydOf(stack: StackInfo): GlewlwydEndpoints {
  if (!stack.glewlwyd) throw new Error('the test stack runs no Glewlwyd (tests/stack/main.ts, GLEWLWYD_PORT)');
  return stack.glewlwyd;
}

export function setGlewlwydTokenLifetime(stack: StackInfo, seconds: number): Promise<void> {
  return setGlewlwydAccessTokenTtl(glewlwydOf(stack).url, seconds);
}

/**
 * What a person does at Glewlwyd's own pages (its webapp, as Debian ships it): the login form (the
 * user name filled in from the launch's login_hint), the first time the consent page, where every
 * scope but openid starts unticked, and the "Continue" that each sign-in asks for.
 */
export async function signInAtGlewlwyd(page: Page, stack: StackInfo, user: { name: string; password: string }): Promise<void> {
  const glewlwyd = glewlwydOf(stack);
  await page.waitForURL(url => url.origin === glewlwyd.url, { timeout: 60_000 });
  const form = page.locator('#password');
  const consent = page.locator('input[id^="grant-"]');
  const proceed = page.getByRole('button', { name: 'Continue' });
  // With a Glewlwyd session in this browser already, the page goes straight to "Continue".
  await Promise.race([form.waitFor({ timeout: 60_000 }), proceed.waitFor({ timeout: 60_000 })]);
  if (await form.isVisible()) {
    await page.fill('#username', user.name);
    await page.fill('#password', user.password);
    await page.click('#loginbut');
    await Promise.race([consent.first().waitFor({ timeout: 60_000 }), proceed.waitFor({ timeout: 60_000 })]);
  }
  if ((await consent.count()) > 0) {
    for (const box of await consent.all()) await box.check();
    await page.getByRole('button', { name: 'Grant access' }).click();
  }
  await proceed.waitFor({ timeout: 60_000 });
  await proceed.click();
}

/**
 * A third-party initiated login naming Glewlwyd as issuer (as a portal in front of Glewlwyd would
 * send it), signed in at Glewlwyd's pages. Returns once the viewer's `/kheops` page is reached.
 */
export async function launchWithGlewlwyd(
  page: Page,
  stack: StackInfo,
  target: { studyInstanceUID: string; seriesInstanceUID: string },
  user = { name: 'alice', password: 'alice' },
): Promise<URL> {
  const targetLink = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${target.studyInstanceUID}&initialSeriesInstanceUID=${target.seriesInstanceUID}`;
  const params = new URLSearchParams({ iss: glewlwydOf(stack).issuer, login_hint: user.name, target_link_uri: targetLink });
  await page.goto(`${stack.viewerOrigin}/kheops/login?${params}`);
  await signInAtGlewlwyd(page, stack, user);
  await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
  return new URL(page.url());
}

/** The refresh grant at Glewlwyd, as the viewer would send it; the HTTP status and what came back. */
export async function refreshAtGlewlwyd(stack: StackInfo, refreshToken: string): Promise<{ status: number; body: string; refreshToken?: string }> {
  const glewlwyd = glewlwydOf(stack);
  const response = await fetch(glewlwyd.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: glewlwyd.clientId }),
  });
  const body = await response.text();
  const parsed = response.ok ? (JSON.parse(body) as { refresh_token?: string }) : {};
  return { status: response.status, body: response.ok ? '(tokens)' : body, ...(parsed.refresh_token ? { refreshToken: parsed.refresh_token } : {}) };
}

/** The refresh token the viewer's tabs share (IndexedDB `kheops-auth`/`sessions`), read in the page. */
export function sharedRefreshToken(page: Page, issuer: string): Promise<string | undefined> {
  return page.evaluate(
    wanted =>
      new Promise<string | undefined>((resolve, reject) => {
        const open = indexedDB.open('kheops-auth');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains('sessions')) return resolve(undefined);
          const all = database.transaction('sessions', 'readonly').objectStore('sessions').getAll();
          all.onsuccess = () => {
            for (const record of all.result as Array<{ user?: string }>) {
              const user = record.user ? (JSON.parse(record.user) as { refresh_token?: string; profile?: { iss?: string } }) : undefined;
              if (user?.profile?.iss === wanted) return resolve(user.refresh_token);
            }
            resolve(undefined);
          };
          all.onerror = () => reject(all.error);
        };
      }),
    issuer,
  );
}
