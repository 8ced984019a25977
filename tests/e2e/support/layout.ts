import type { Page } from 'playwright-core';
import { artifactPath } from './browser';
import { gridViewports } from './viewer';

/** Picks a preset from OHIF's Layout toolbar menu by its title, as a clinician would. */
export async function chooseLayout(page: Page, title: string): Promise<void> {
  await page.locator('[data-cy="Layout"] button').first().click();
  const preset = page.getByText(title, { exact: true });
  await preset.waitFor({ state: 'visible', timeout: 30_000 });
  await page.screenshot({ path: artifactPath(`layout-menu-${title.toLowerCase()}.png`) });
  // Building a volume keeps the page busy; the grid checks that follow wait for the result.
  await preset.click({ noWaitAfter: true, timeout: 60_000 });
}

/** Waits until the grid holds `count` viewports, all of the given series. */
export async function waitForGrid(page: Page, count: number, seriesInstanceUID: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let viewports = await gridViewports(page);
  while (Date.now() < deadline) {
    if (viewports.length === count && viewports.every(viewport => viewport.seriesInstanceUID === seriesInstanceUID)) return viewports;
    await page.waitForTimeout(250);
    viewports = await gridViewports(page);
  }
  throw new Error(`the grid did not show ${count} viewports of ${seriesInstanceUID}: ${JSON.stringify(viewports)}`);
}
