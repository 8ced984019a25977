/**
 * renewal_stall_ms (issue 17): does renewing the access token hold up images while someone scrolls?
 * With a 10 s access token (renewed at half its life, refresh-policy.ts), each round launches the
 * sample CT's clicked series and scrolls it fast with wheel events long enough for several
 * renewals. The page records when cornerstone shows a new image (STACK_NEW_IMAGE on the viewport
 * element; cornerstone events do not bubble, so the listener is on the document in the capture
 * phase); Playwright records when the provider's token endpoint answered (each renewal). A round's
 * figure: the longest gap between shown images that overlaps ±1 s of a renewal, minus the longest
 * gap elsewhere in the same scroll. Goal <= 50 ms. Bounded loops, no sleeps.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newViewerContext } from '../e2e/support/browser';
import { openStudyAtFirstImage } from '../e2e/support/launch';
import type { StackInfo } from '../e2e/support/stack-info';
import { setTokenLifetimes } from '../e2e/support/standin-controls';
import { stallOfRound, type StallRound } from './frame-gaps';
import { meanInterval, type MeanInterval } from './stats';

const SHORT_ACCESS_TOKEN_TTL = 10;
const NEW_IMAGE_EVENT = 'CORNERSTONE_STACK_NEW_IMAGE';

async function recordNewImages(context: BrowserContext): Promise<void> {
  await context.addInitScript(eventName => {
    const shown: number[] = [];
    (window as unknown as { __kheopsBenchShown: number[] }).__kheopsBenchShown = shown;
    document.addEventListener(eventName, () => shown.push(Date.now()), { capture: true });
  }, NEW_IMAGE_EVENT);
}

/**
 * Wheel events dispatched in the page every 20 ms over the first pane, 10 slices forward then 10
 * back, until `untilMs`: one Playwright round trip per wheel step (the e2e tests' scroll) is slower
 * than the viewer on this machine, so its gaps would be the driver's, not the page's. Cornerstone's
 * stack scroll tool listens to wheel events on the viewport element, which these reach by bubbling.
 */
async function scrollUntil(page: Page, untilMs: number): Promise<void> {
  await page.locator('[data-cy="viewport-pane"] canvas').first().waitFor();
  await page.evaluate(
    ({ until, stepMs }) =>
      new Promise<void>((resolve, reject) => {
        const canvas = document.querySelector('[data-cy="viewport-pane"] canvas');
        if (!canvas) return reject(new Error('the viewport pane has no canvas to scroll over'));
        const box = canvas.getBoundingClientRect();
        let step = 0;
        const timer = setInterval(() => {
          if (Date.now() >= until) {
            clearInterval(timer);
            resolve();
            return;
          }
          const deltaY = step++ % 20 < 10 ? 120 : -120;
          canvas.dispatchEvent(new WheelEvent('wheel', { deltaY, deltaMode: 0, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true, cancelable: true }));
        }, stepMs);
      }),
    { until: untilMs, stepMs: 20 },
  );
}

async function measureRound(browser: Browser, stack: StackInfo, seriesUid: string, scrollMs: number): Promise<StallRound & { placeboMs: number }> {
  const context = await newViewerContext(browser);
  try {
    await recordNewImages(context);
    const page = await context.newPage();
    const tokenAnswers: number[] = [];
    page.on('response', response => {
      if (response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith('/token') && response.url().startsWith(stack.issuer)) tokenAnswers.push(Date.now());
    });
    await openStudyAtFirstImage(page, stack, seriesUid);
    const scrollFrom = Date.now();
    await scrollUntil(page, scrollFrom + scrollMs);
    const scrollTo = Date.now();
    const shown = (await page.evaluate(() => (window as unknown as { __kheopsBenchShown: number[] }).__kheopsBenchShown)).filter(at => at >= scrollFrom && at <= scrollTo);
    const renewals = tokenAnswers.filter(at => at >= scrollFrom && at <= scrollTo);
    if (shown.length < 10) throw new Error(`only ${shown.length} new images were shown while scrolling: ${NEW_IMAGE_EVENT} was not heard`);
    if (renewals.length === 0) throw new Error(`no renewal answered during ${scrollMs} ms of scrolling with a ${SHORT_ACCESS_TOKEN_TTL} s token`);
    // The placebo: the same statistic with the windows halfway between renewals, where nothing
    // happens; far from 0, the method itself (not a renewal) makes the difference.
    const halfway = renewals.map(at => at + (SHORT_ACCESS_TOKEN_TTL * 1000) / 4).filter(at => at <= scrollTo);
    return { ...stallOfRound(shown, renewals), placeboMs: stallOfRound(shown, halfway).stallMs };
  } finally {
    await context.close();
  }
}

export async function renewalStall(
  browser: Browser,
  stack: StackInfo,
  seriesUid: string,
  options: { rounds: number; scrollMs: number; restoreTtl: number },
  log: (line: string) => void,
): Promise<{ stall: MeanInterval; placebo: MeanInterval }> {
  await setTokenLifetimes(stack, { accessTokenTtl: SHORT_ACCESS_TOKEN_TTL });
  const stalls: number[] = [];
  const placebos: number[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const result = await measureRound(browser, stack, seriesUid, options.scrollMs);
      stalls.push(result.stallMs);
      placebos.push(result.placeboMs);
      log(
        `[bench] renewal stall round ${round}: ${result.renewals} renewals, ${result.frames} new images in ${options.scrollMs} ms; longest gap near a renewal ${Math.round(result.nearRenewalMs)} ms, elsewhere ${Math.round(result.elsewhereMs)} ms (placebo windows between renewals: ${Math.round(result.placeboMs)} ms)`,
      );
    }
  } finally {
    await setTokenLifetimes(stack, { accessTokenTtl: options.restoreTtl });
  }
  return { stall: meanInterval(stalls), placebo: meanInterval(placebos) };
}
