import type { Page } from 'playwright-core';
import type { StackInfo } from './stack-info';

/**
 * Opens a study by the third-party initiated login, as KHEOPS launches the viewer, signed in as alice.
 * The provider's sign-in form appears only when the provider holds no session for this browser
 * (a first launch, or after a revocation ended it); otherwise the launch goes straight through.
 * Returns once the viewer's `/kheops` page is reached.
 */
export async function launchByThirdPartyLogin(
  page: Page,
  stack: StackInfo,
  target: { studyInstanceUID: string; seriesInstanceUID: string; extraQuery?: string },
): Promise<void> {
  const targetLink = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${target.studyInstanceUID}&initialSeriesInstanceUID=${target.seriesInstanceUID}${target.extraQuery ?? ''}`;
  const params = new URLSearchParams({ iss: stack.issuer, login_hint: 'alice', target_link_uri: targetLink });
  await page.goto(`${stack.viewerOrigin}/kheops/login?${params}`);
  const landed = page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
  const form = page.waitForSelector('#password', { timeout: 60_000 }).then(() => 'form' as const);
  if ((await Promise.race([landed.then(() => 'viewer' as const), form])) === 'form') {
    await page.fill('#password', 'alice');
    await page.click('#login');
    await landed;
  }
}
