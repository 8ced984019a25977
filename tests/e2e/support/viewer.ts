import type { Page } from 'playwright-core';
import { imageStats, type ImageStats } from './image-stats';

/** The display set in the first viewport, read from OHIF's own services (window.services). */
export async function firstViewportSeries(page: Page): Promise<{ seriesInstanceUID: string; description: string } | undefined> {
  return page.evaluate(() => {
    type DisplaySet = { SeriesInstanceUID: string; SeriesDescription?: string };
    const services = (window as unknown as { services?: Record<string, any> }).services;
    const state = services?.viewportGridService?.getState();
    if (!state?.viewports) return undefined;
    const viewports = state.viewports instanceof Map ? [...state.viewports.values()] : Object.values(state.viewports);
    const uid = (viewports[0] as { displaySetInstanceUIDs?: string[] } | undefined)?.displaySetInstanceUIDs?.[0];
    if (!uid) return undefined;
    const displaySet = services?.displaySetService?.getDisplaySetByUID(uid) as DisplaySet | undefined;
    return displaySet ? { seriesInstanceUID: displaySet.SeriesInstanceUID, description: displaySet.SeriesDescription ?? '' } : undefined;
  });
}

/** Polls until the first viewport shows an image (not a black or flat canvas), then returns its statistics. */
export async function waitForRenderedFirstViewport(page: Page, timeoutMs = 90_000): Promise<ImageStats> {
  const pane = page.locator('[data-cy="viewport-pane"]').first();
  await pane.waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let stats: ImageStats | undefined;
  while (Date.now() < deadline) {
    stats = imageStats(await pane.screenshot());
    if (stats.litFraction > 0.05 && stats.stddev > 10) return stats;
    await page.waitForTimeout(500);
  }
  throw new Error(`the first viewport stayed blank: ${JSON.stringify(stats)}`);
}
