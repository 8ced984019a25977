import type { Page } from 'playwright-core';

/**
 * The session indicator sits in OHIF's header; its details and "Sign out" are in a panel a click on
 * it opens, as a clinician does. Returns once the panel is shown.
 */
export async function openSessionPanel(page: Page): Promise<void> {
  const panel = page.locator('[data-kheops-auth-panel]');
  if (await panel.isVisible()) return;
  await page.locator('[data-kheops-auth-toggle]').click();
  await panel.waitFor({ state: 'visible', timeout: 30_000 });
}

/** Opens the indicator's panel and clicks its "Sign out". */
export async function clickSignOut(page: Page): Promise<void> {
  await openSessionPanel(page);
  await page.locator('[data-kheops-auth-action="sign-out"]').click();
}
