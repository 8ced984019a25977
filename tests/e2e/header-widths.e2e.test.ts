import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clickedCtSeries, launchFromReportProvider, openClinicianPage, openStudyAtFirstImage } from './support/launch';
import { waitForRenderedFirstViewport } from './support/viewer';
import { stackInfo } from './support/stack-info';

const stack = stackInfo();
const browser = useBrowser();

interface Box {
  what: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Every visible control of OHIF's header (buttons, the extension's items), with its box. */
async function headerControls(page: Page): Promise<{ controls: Box[]; width: number }> {
  return page.evaluate(() => {
    const header = document.querySelector('[data-cy="viewer-header"], header, .header') ?? document.body;
    const headerBottom = header === document.body ? 60 : header.getBoundingClientRect().bottom;
    const seen = new Set<Element>();
    const controls: Box[] = [];
    for (const element of Array.from(document.querySelectorAll('[data-kheops-header-item], button, [role="button"]'))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.bottom > headerBottom + 1) continue;
      // A control inside one already listed (the indicator's own button) is part of it.
      if ([...seen].some(outer => outer.contains(element))) continue;
      seen.add(element);
      const label = element.getAttribute('data-kheops-header-item') ?? element.getAttribute('data-cy') ?? element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '?';
      controls.push({ what: label, left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom });
    }
    return { controls, width: document.documentElement.clientWidth };
  });
}

const overlap = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/** Nothing of the header sticks out of the page or lies over another control. */
async function expectTidyHeader(page: Page): Promise<Box[]> {
  const { controls, width: pageWidth } = await headerControls(page);
  expect(controls.filter(control => control.left < 0 || control.right > pageWidth + 0.5).map(control => control.what)).toEqual([]);
  expect(controls.flatMap((a, i) => controls.slice(i + 1).filter(b => overlap(a, b)).map(b => `${a.what} × ${b.what}`))).toEqual([]);
  return controls;
}

test.each([
  [1280, 720],
  [1366, 768],
])('at %i × %i the header shows the session and the save control, whole and apart from OHIF\'s controls', async (width, height) => {
  const { series } = clickedCtSeries(stack);
  const { context, page } = await openClinicianPage(browser);
  try {
    await page.setViewportSize({ width, height });
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    await page.locator('[data-kheops-auth-session="signed-in"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifactPath(`header-at-${width}.png`) });
    const controls = await expectTidyHeader(page);
    const ours = controls.filter(control => control.what === 'session-indicator' || control.what === 'save-report');
    expect(ours.map(control => control.what).sort()).toEqual(['save-report', 'session-indicator']);
  } finally {
    await context.close();
  }
});

test.each([
  [1400, 900],
  [1280, 720],
])('at %i × %i a report-provider launch keeps its way back to KHEOPS within reach, over no control', async (width, height) => {
  const { study } = clickedCtSeries(stack);
  const { context, page } = await openClinicianPage(browser);
  try {
    await page.setViewportSize({ width, height });
    // Released KHEOPS's report provider: the launch that gives a way back (return_uri), the widest header.
    await launchFromReportProvider(page, stack, study.studyInstanceUID);
    await waitForRenderedFirstViewport(page);
    const back = page.locator('[data-kheops-auth-return]');
    await back.waitFor({ state: 'attached', timeout: 30_000 });
    await page.screenshot({ path: artifactPath(`header-return-at-${width}.png`) });
    await expectTidyHeader(page);
    // Either beside the summary, or one click away in its panel.
    if (!(await back.isVisible())) {
      await page.locator('[data-kheops-auth-toggle]').click();
      await back.waitFor({ state: 'visible', timeout: 10_000 });
      await page.screenshot({ path: artifactPath(`header-return-at-${width}-panel.png`) });
    }
    expect(new URL((await back.getAttribute('href')) ?? '').origin).toBe(new URL(stack.standinUrl).origin);
  } finally {
    await context.close();
  }
});
