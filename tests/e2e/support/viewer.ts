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

/** The viewports OHIF's grid holds now, with the series each shows (read from window.services). */
export async function gridViewports(page: Page): Promise<Array<{ viewportId: string; seriesInstanceUID?: string; viewportType?: string; orientation?: string }>> {
  return page.evaluate(() => {
    const services = (window as unknown as { services?: Record<string, any> }).services;
    const state = services?.viewportGridService?.getState();
    if (!state?.viewports) return [];
    const viewports: any[] = state.viewports instanceof Map ? [...state.viewports.values()] : Object.values(state.viewports);
    return viewports.map(viewport => {
      const uid = viewport.displaySetInstanceUIDs?.[0];
      return {
        viewportId: viewport.viewportId,
        seriesInstanceUID: uid ? services?.displaySetService?.getDisplaySetByUID(uid)?.SeriesInstanceUID : undefined,
        viewportType: viewport.viewportOptions?.viewportType,
        orientation: viewport.viewportOptions?.orientation,
      };
    });
  });
}

/** Polls until the grid has `count` viewport panes and each draws an image; returns their statistics in order. */
export async function waitForRenderedPanes(page: Page, count: number, timeoutMs = 90_000): Promise<ImageStats[]> {
  const panes = page.locator('[data-cy="viewport-pane"]');
  const deadline = Date.now() + timeoutMs;
  let stats: ImageStats[] = [];
  while (Date.now() < deadline) {
    if ((await panes.count()) === count) {
      stats = [];
      for (let i = 0; i < count; i++) stats.push(imageStats(await panes.nth(i).screenshot()));
      if (stats.every(s => s.litFraction > 0.05 && s.stddev > 10)) return stats;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`expected ${count} drawn viewports, got ${await panes.count()}: ${JSON.stringify(stats)}`);
}

/** A QIDO search through OHIF's own data source, so the request takes the header OHIF asks for. */
export async function searchThroughOhif(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const manager = (window as unknown as { extensionManager: any }).extensionManager;
    const [dataSource] = manager.getActiveDataSource();
    const studies = await dataSource.query.studies.search({});
    return studies.length as number;
  });
}
