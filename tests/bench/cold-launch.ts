import type { Browser, Page } from 'playwright-core';
import { newViewerContext } from '../e2e/support/browser';
import { waitForFirstViewportSeries } from '../e2e/support/launch';
import { firstImageAt, installFirstImageProbe } from './first-image';
import { pairedRoundsUntilPrecise, precisionNote, type PairedRounds, type RoundPlan } from './rounds';
import { formatRatio, summarize, type Pair } from './stats';

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
  const traffic = new ViewerTraffic([setup.login.viewerOrigin, setup.direct.viewerOrigin]);
  cdp.on('Network.responseReceived', event => {
    const { requestId, response, type } = event as { requestId: string; response: { url: string; fromPrefetchCache?: boolean; fromDiskCache?: boolean; status: number }; type: string };
    traffic.response(requestId, response.url, Boolean(response.fromDiskCache || response.fromPrefetchCache));
    if (!/\/app\.bundle\.[0-9a-f]+\.js$/.test(new URL(response.url).pathname)) return;
    bundleLoads.push(`${type}:${response.fromPrefetchCache ? 'prefetch-cache' : response.fromDiskCache ? 'disk-cache' : `network ${response.status}`}`);
  });
  cdp.on('Network.loadingFinished', event => {
    const { requestId, encodedDataLength } = event as { requestId: string; encodedDataLength: number };
    traffic.finished(requestId, encodedDataLength);
  });
  return { context, page, bundleLoads, traffic };
}

/**
 * The viewer's static files the page took from the network after the measured moment (the press of
 * "Sign in", or the click), and their bytes on the wire: what the login page's prefetch missed.
 * DICOMweb (another origin) is not counted.
 */
class ViewerTraffic {
  private readonly seen = new Map<string, { path: string; fromCache: boolean; bytes: number; afterStart: boolean }>();
  private started = false;

  constructor(private readonly origins: string[]) {}

  start(): void {
    this.started = true;
  }

  response(requestId: string, url: string, fromCache: boolean): void {
    const parsed = new URL(url);
    if (!this.origins.includes(parsed.origin) || parsed.pathname.startsWith('/api/')) return;
    this.seen.set(requestId, { path: parsed.pathname, fromCache, bytes: 0, afterStart: this.started });
  }

  finished(requestId: string, bytes: number): void {
    const entry = this.seen.get(requestId);
    if (entry) entry.bytes = bytes;
  }

  summary(): string {
    const after = [...this.seen.values()].filter(entry => entry.afterStart);
    const network = after.filter(entry => !entry.fromCache);
    const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
    const largest = [...network].sort((x, y) => y.bytes - x.bytes).slice(0, 6).map(entry => `${entry.path} ${kb(entry.bytes)}`);
    return `${network.length} viewer files from the network (${kb(network.reduce((sum, entry) => sum + entry.bytes, 0))}), ${after.length - network.length} from the cache; largest: ${largest.join(', ') || 'none'}`;
  }
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
  const { context, page, bundleLoads, traffic } = await throttled(setup);
  try {
    await page.goto(setup.login.studyPage);
    await click(page, setup.seriesUid);
    await page.waitForSelector('#password', { timeout: 120_000 });
    if (new URL(page.url()).origin !== setup.login.providerOrigin) throw new Error(`the sign-in form is not at the provider: ${page.url()}`);
    // The person reads the form and types: the login page's prefetch has this long.
    await page.waitForTimeout(TIME_ON_FORM_MS);
    await page.fill('#password', 'alice');
    const submittedAt = Date.now();
    traffic.start();
    await page.click('#login');
    const shownAt = await firstImageAt(page, 180_000);
    await waitForFirstViewportSeries(page, setup.seriesUid, 60_000);
    log(`[bench] cold launch (a): app bundle ${bundleLoads.join(', ') || 'never seen'}; after "Sign in": ${traffic.summary()}`);
    return shownAt - submittedAt;
  } finally {
    await context.close();
  }
}

/** No-login path: from the click (the navigation to the viewer) to the first image. */
async function directPath(setup: ColdLaunchSetup, log: (line: string) => void): Promise<number> {
  const { context, page, traffic } = await throttled(setup);
  try {
    await page.goto(setup.direct.studyPage);
    traffic.start();
    const clickedAt = await click(page, setup.seriesUid);
    const shownAt = await firstImageAt(page, 180_000);
    await waitForFirstViewportSeries(page, setup.seriesUid, 60_000);
    log(`[bench] cold launch (b): after the click: ${traffic.summary()}`);
    return shownAt - clickedAt;
  } finally {
    await context.close();
  }
}

/** cold_launch_ratio: paired rounds of the two paths, alternating which goes first, until the plan's precision. */
export async function coldLaunchRatio(setup: ColdLaunchSetup, plan: RoundPlan, log: (line: string) => void): Promise<PairedRounds> {
  const pairs: Pair[] = [];
  const ratio = await pairedRoundsUntilPrecise(plan, async round => {
    let loginMs: number;
    let directMs: number;
    if (round % 2) {
      loginMs = await loginPath(setup, log);
      directMs = await directPath(setup, log);
    } else {
      directMs = await directPath(setup, log);
      loginMs = await loginPath(setup, log);
    }
    log(`[bench] cold launch round ${round}: login path ${Math.round(loginMs)} ms from "Sign in", no-login path ${Math.round(directMs)} ms from the click, ratio ${(loginMs / directMs).toFixed(3)}`);
    const pair = { numerator: loginMs, denominator: directMs };
    pairs.push(pair);
    return pair;
  });
  const median = (values: number[]) => Math.round(summarize(values).median);
  log(`cold launch (empty cache, no provider session, ${HOSPITAL_LINK_TEXT}, ${TIME_ON_FORM_MS / 1000} s on the form): medians ${median(pairs.map(p => p.numerator))} ms from "Sign in" vs ${median(pairs.map(p => p.denominator))} ms from the click`);
  const note = precisionNote('cold_launch_ratio', ratio, plan);
  if (note) log(note);
  log(`cold_launch_ratio=${formatRatio(ratio)}`);
  return ratio;
}
