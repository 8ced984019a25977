import type { Browser, Page } from 'playwright-core';
import { newViewerContext } from '../e2e/support/browser';
import { waitForFirstViewportSeries } from '../e2e/support/launch';
import { firstImageAt, installFirstImageProbe } from './first-image';
import { formatRatio, pairedRatio, summarize, type RatioInterval } from './stats';

/**
 * A hospital link, as Chromium's DevTools protocol emulates it (Network.emulateNetworkConditions):
 * 20 Mbit/s down, 10 Mbit/s up, 40 ms added to every round trip.
 */
export const HOSPITAL_LINK = { offline: false, latency: 40, downloadThroughput: (20e6 / 8), uploadThroughput: (10e6 / 8) } as const;
export const HOSPITAL_LINK_TEXT = '20 Mbit/s down, 10 Mbit/s up, 40 ms round trip (CDP Network.emulateNetworkConditions)';
/** How long the person spends on the provider's form before pressing "Sign in". */
export const TIME_ON_FORM_MS = 3000;

export interface ColdLaunchSetup {
  browser: Browser;
  seriesUid: string;
  login: { studyPage: string; viewerOrigin: string; providerOrigin: string };
  direct: { studyPage: string; viewerOrigin: string };
  probeOrigins: string[];
}

/**
 * The page's emulation does not reach a service worker (the login page's prefetch worker is its own
 * DevTools target): each one created during the launch gets the same link, through the browser's
 * session (Target.sendMessageToTarget: Playwright's CDPSession cannot address a child session).
 * Without this the worker would download OHIF at loopback speed and the login path would look faster
 * than it is.
 */
async function throttleServiceWorkers(browser: Browser): Promise<() => Promise<void>> {
  const session = await browser.newBrowserCDPSession();
  let id = 1;
  session.on('Target.targetCreated', event => {
    const { targetInfo } = event as { targetInfo: { type: string; targetId: string } };
    if (targetInfo.type !== 'service_worker') return;
    void (async () => {
      const { sessionId } = (await session.send('Target.attachToTarget', { targetId: targetInfo.targetId, flatten: false })) as { sessionId: string };
      for (const [method, params] of [['Network.enable', {}], ['Network.emulateNetworkConditions', { ...HOSPITAL_LINK }]] as const) {
        await session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: id++, method, params }) });
      }
    })().catch(() => undefined);
  });
  await session.send('Target.setDiscoverTargets', { discover: true });
  return () => session.detach().catch(() => undefined);
}

async function throttled(setup: ColdLaunchSetup) {
  // A fresh context: empty HTTP cache, no provider session.
  const context = await newViewerContext(setup.browser);
  const releaseWorkers = await throttleServiceWorkers(setup.browser);
  context.once('close', () => void releaseWorkers());
  await installFirstImageProbe(context, setup.probeOrigins);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { ...HOSPITAL_LINK });
  // Where the app bundle came from each time it was asked for: the network, the prefetch cache or the disk cache.
  const bundleLoads: string[] = [];
  cdp.on('Network.responseReceived', event => {
    const { response, type } = event as { response: { url: string; fromPrefetchCache?: boolean; fromDiskCache?: boolean; status: number }; type: string };
    if (!/\/app\.bundle\.[0-9a-f]+\.js$/.test(new URL(response.url).pathname)) return;
    bundleLoads.push(`${type}:${response.fromPrefetchCache ? 'prefetch-cache' : response.fromDiskCache ? 'disk-cache' : `network ${response.status}`}`);
  });
  return { context, page, bundleLoads };
}

async function click(page: Page, seriesUid: string): Promise<number> {
  const thumbnail = page.locator(`a.series-thumbnail[data-series-uid="${seriesUid}"]`);
  await thumbnail.waitFor();
  const at = Date.now();
  await thumbnail.click();
  return at;
}

/** Login path: from pressing "Sign in" on the provider's form (after TIME_ON_FORM_MS on it) to the first image. */
async function loginPath(setup: ColdLaunchSetup, log: (line: string) => void): Promise<number> {
  const { context, page, bundleLoads } = await throttled(setup);
  try {
    await page.goto(setup.login.studyPage);
    await click(page, setup.seriesUid);
    await page.waitForSelector('#password', { timeout: 120_000 });
    if (new URL(page.url()).origin !== setup.login.providerOrigin) throw new Error(`the sign-in form is not at the provider: ${page.url()}`);
    // The person reads the form and types: the login page's prefetch has this long.
    await page.waitForTimeout(TIME_ON_FORM_MS);
    await page.fill('#password', 'alice');
    const submittedAt = Date.now();
    await page.click('#login');
    const shownAt = await firstImageAt(page, 180_000);
    await waitForFirstViewportSeries(page, setup.seriesUid, 60_000);
    log(`[bench] cold launch (a): app bundle ${bundleLoads.join(', ') || 'never seen'}`);
    return shownAt - submittedAt;
  } finally {
    await context.close();
  }
}

/** No-login path: from the click (the navigation to the viewer) to the first image. */
async function directPath(setup: ColdLaunchSetup): Promise<number> {
  const { context, page } = await throttled(setup);
  try {
    await page.goto(setup.direct.studyPage);
    const clickedAt = await click(page, setup.seriesUid);
    const shownAt = await firstImageAt(page, 180_000);
    await waitForFirstViewportSeries(page, setup.seriesUid, 60_000);
    return shownAt - clickedAt;
  } finally {
    await context.close();
  }
}

/** cold_launch_ratio: paired rounds of the two paths, alternating which goes first. */
export async function coldLaunchRatio(setup: ColdLaunchSetup, rounds: number, log: (line: string) => void): Promise<RatioInterval> {
  const pairs: Array<{ numerator: number; denominator: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    let loginMs: number;
    let directMs: number;
    if (round % 2) {
      loginMs = await loginPath(setup, log);
      directMs = await directPath(setup);
    } else {
      directMs = await directPath(setup);
      loginMs = await loginPath(setup, log);
    }
    pairs.push({ numerator: loginMs, denominator: directMs });
    log(`[bench] cold launch round ${round}: login path ${Math.round(loginMs)} ms from "Sign in", no-login path ${Math.round(directMs)} ms from the click, ratio ${(loginMs / directMs).toFixed(3)}`);
  }
  const ratio = pairedRatio(pairs);
  const median = (values: number[]) => Math.round(summarize(values).median);
  log(`cold launch (empty cache, no provider session, ${HOSPITAL_LINK_TEXT}, ${TIME_ON_FORM_MS / 1000} s on the form): medians ${median(pairs.map(p => p.numerator))} ms from "Sign in" vs ${median(pairs.map(p => p.denominator))} ms from the click`);
  log(`cold_launch_ratio=${formatRatio(ratio)}`);
  return ratio;
}
