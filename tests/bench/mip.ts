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

interface LayoutTiming {
  ms: number;
  /** From the preset to the layout's panes being in the page. */
  panesMs: number;
  /** The longest single pane screenshot: how long the page went without a frame while drawing. */
  longestFrameWaitMs: number;
}

async function timeToLayout(page: Page, layout: Layout): Promise<LayoutTiming> {
  await page.locator('[data-cy="Layout"] button').first().click();
  const preset = page.getByText(layout, { exact: true });
  await preset.waitFor({ state: 'visible', timeout: 30_000 });
  const started = Date.now();
  await preset.click({ noWaitAfter: true, timeout: 60_000 });
  // Panes of the stack layout are replaced; wait for the new layout's own panes, each drawn.
  await page.waitForFunction(count => document.querySelectorAll('[data-cy="viewport-pane"]').length === count, PANES[layout], { timeout: 120_000, polling: 50 });
  const panesMs = Date.now() - started;
  const longestFrameWaitMs = await drawnPanes(page, PANES[layout]);
  return { ms: Date.now() - started, panesMs, longestFrameWaitMs };
}

/**
 * Every pane drawn (as waitForRenderedPanes checks), with screenshots allowed to wait while a volume
 * is built. Resolves with the longest single screenshot: a screenshot waits for the page's next
 * frame, so a long one means the page was busy drawing.
 */
async function drawnPanes(page: Page, count: number): Promise<number> {
  const panes = page.locator('[data-cy="viewport-pane"]');
  let longest = 0;
  for (let attempt = 0; attempt < 600; attempt++) {
    let drawn = 0;
    for (let i = 0; i < count; i++) {
      const from = Date.now();
      const stats = imageStats(await panes.nth(i).screenshot({ timeout: 180_000 }));
      longest = Math.max(longest, Date.now() - from);
      if (stats.litFraction > 0.05 && stats.stddev > 10) drawn += 1;
    }
    if (drawn === count) return longest;
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
        const { ms, panesMs, longestFrameWaitMs } = await timeToLayout(page, layout);
        samples[layout].push(ms);
        log(`[bench] mip round ${round} (${layout}): ${ms} ms from the Layout preset to every pane drawn (panes in the page after ${panesMs} ms; the longest screenshot waited ${longestFrameWaitMs} ms for a frame)`);
      } finally {
        await context.close();
      }
    }
  }
  const mpr = summarize(samples.MPR);
  const mip = summarize(samples.MIP);
  return { mpr, mip, ratio: mip.median / mpr.median };
}
