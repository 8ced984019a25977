/**
 * Time to the MIP image against MPR's, on the sample CT's clicked (64-slice) series: from the click
 * on the Layout menu's preset to every pane of the layout drawn (the thresholds of
 * tests/e2e/support/image-stats.ts on each pane's screenshot). Each sample is a fresh context with a
 * fresh launch, so neither layout finds the volume the other one loaded; the order alternates per
 * round. Goal (issue 15): the MIP within 1.5× of MPR.
 */
import type { Browser, Page } from 'playwright-core';
import { newViewerContext } from '../e2e/support/browser';
import { openStudyAtFirstImage } from '../e2e/support/launch';
import type { StackInfo } from '../e2e/support/stack-info';
import { imageStats } from '../e2e/support/image-stats';
import { summarize, type Summary } from './stats';

type Layout = 'MPR' | 'MIP';
const PANES: Record<Layout, number> = { MPR: 3, MIP: 1 };

async function timeToLayout(page: Page, layout: Layout): Promise<number> {
  await page.locator('[data-cy="Layout"] button').first().click();
  const preset = page.getByText(layout, { exact: true });
  await preset.waitFor({ state: 'visible', timeout: 30_000 });
  const started = Date.now();
  await preset.click({ noWaitAfter: true, timeout: 60_000 });
  // Panes of the stack layout are replaced; wait for the new layout's own panes, each drawn.
  await page.waitForFunction(count => document.querySelectorAll('[data-cy="viewport-pane"]').length === count, PANES[layout], { timeout: 120_000, polling: 50 });
  await drawnPanes(page, PANES[layout]);
  return Date.now() - started;
}

/** Every pane drawn (as waitForRenderedPanes checks), with screenshots allowed to wait while a volume is built. */
async function drawnPanes(page: Page, count: number): Promise<void> {
  const panes = page.locator('[data-cy="viewport-pane"]');
  for (let attempt = 0; attempt < 600; attempt++) {
    let drawn = 0;
    for (let i = 0; i < count; i++) {
      const stats = imageStats(await panes.nth(i).screenshot({ timeout: 180_000 }));
      if (stats.litFraction > 0.05 && stats.stddev > 10) drawn += 1;
    }
    if (drawn === count) return;
  }
  throw new Error(`the ${count} panes were not drawn`);
}

export interface MipTiming {
  mpr: Summary;
  mip: Summary;
  /** Median MIP time over median MPR time. */
  ratio: number;
}

export async function measureMipTiming(browser: Browser, stack: StackInfo, seriesInstanceUID: string, rounds: number, log: (line: string) => void): Promise<MipTiming> {
  const samples: Record<Layout, number[]> = { MPR: [], MIP: [] };
  for (let round = 1; round <= rounds; round++) {
    const order: Layout[] = round % 2 ? ['MPR', 'MIP'] : ['MIP', 'MPR'];
    for (const layout of order) {
      const context = await newViewerContext(browser);
      try {
        const page = await context.newPage();
        await openStudyAtFirstImage(page, stack, seriesInstanceUID);
        const ms = await timeToLayout(page, layout);
        samples[layout].push(ms);
        log(`[bench] mip round ${round} (${layout}): ${ms} ms from the Layout preset to every pane drawn`);
      } finally {
        await context.close();
      }
    }
  }
  const mpr = summarize(samples.MPR);
  const mip = summarize(samples.MIP);
  return { mpr, mip, ratio: mip.median / mpr.median };
}
