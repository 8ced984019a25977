/**
 * npm run bench: how much slower is a launch from KHEOPS through the third-party initiated login
 * than opening the same study in the same viewer with no authentication at all?
 *
 *   (a) study page click -> /kheops/login (small login page) -> provider (existing session, no form)
 *       -> /kheops/callback (OHIF) -> code exchange -> study -> first image
 *   (b) study page click -> /kheops?StudyInstanceUIDs=..&initialSeriesInstanceUID=.. -> first image,
 *       against an anonymous gateway in front of the same Orthanc
 *
 * Rounds alternate (a) and (b), each in a fresh browser context that first does the same launch once
 * (warm HTTP cache, and for (a) the provider session: "existing provider session"), then measures a
 * second launch in a new tab. Method and results: docs/performance.md. Loopback only, bounded loops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderAppConfigScript } from '../../platform-config/src/app-config';
import { viewerSecurityHeaders } from '../../platform-config/src/headers';
import { standinAppConfig } from '../../platform-config/src/examples';
import { launchBrowser, newViewerContext } from '../e2e/support/browser';
import { launchFromStudyPage, waitForFirstViewportSeries } from '../e2e/support/launch';
import type { StackInfo } from '../e2e/support/stack-info';
import { waitForRenderedFirstViewport } from '../e2e/support/viewer';
import { startStandin, type Standin } from '../kheops-standin/src/index';
import { ohifDistDir, REPO_ROOT, runtimeModules, startStack, type RunningStack } from '../stack/stack';
import { appInlineScriptHashes, startViewerHost, type ViewerHost } from '../stack/viewer-host';
import { extensionSizes, fileGzippedKb } from './bundle-size';
import { firstImageAt, installFirstImageProbe } from './first-image';
import { measureThroughput } from './gateway-throughput';
import { measureTokenCheck } from './token-check-cost';
import { countNavigations } from './navigations';
import { coldLaunchRatio } from './cold-launch';
import { largeStudyRatio, loadLargeStudy } from './large-study';
import { pairedRoundsUntilPrecise, precisionNote, type RoundPlan } from './rounds';
import { formatMeanInterval, formatMs, formatRatio, summarize } from './stats';
import { measureMipTiming } from './mip';
import { renewalStall } from './renewal-stall';

function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw} must be a whole number ≥ ${min}`);
  return value;
}

const PORTS = {
  viewer: intFromEnv('BENCH_VIEWER_PORT', 3600),
  standin: intFromEnv('BENCH_STANDIN_PORT', 8680),
  orthanc: intFromEnv('BENCH_ORTHANC_PORT', 8642),
  anonymousViewer: intFromEnv('BENCH_ANONYMOUS_VIEWER_PORT', 3601),
  anonymousStandin: intFromEnv('BENCH_ANONYMOUS_STANDIN_PORT', 8681),
};
/**
 * Rounds of each ratio: at least BENCH_ROUNDS (per figure: BENCH_LARGE_ROUNDS, BENCH_COLD_ROUNDS),
 * then more until the 95 % interval is within ±BENCH_HALF_WIDTH (issue 17: ±0.05), at most
 * BENCH_MAX_ROUNDS (rounds.ts).
 */
const ROUNDS = intFromEnv('BENCH_ROUNDS', 8, 2);
const MAX_ROUNDS = intFromEnv('BENCH_MAX_ROUNDS', 30, 2);
const HALF_WIDTH = Number(process.env.BENCH_HALF_WIDTH ?? 0.05);
if (!(HALF_WIDTH > 0)) throw new Error(`BENCH_HALF_WIDTH=${process.env.BENCH_HALF_WIDTH} must be a positive number`);
const plan = (min: number): RoundPlan => ({ min, max: Math.max(min, MAX_ROUNDS), halfWidth: HALF_WIDTH });
/**
 * BENCH_PREFETCH_WORKER=off: the login page's prefetch worker is refused (its script answers with a
 * network error), so (a) runs as before the worker existed (link prefetch only). With the worker,
 * Chromium keeps V8's compiled code for the app bundle, which (b) never gets (docs/performance.md).
 */
const PREFETCH_WORKER = process.env.BENCH_PREFETCH_WORKER ?? 'on';
if (PREFETCH_WORKER !== 'on' && PREFETCH_WORKER !== 'off') throw new Error(`BENCH_PREFETCH_WORKER=${PREFETCH_WORKER} must be on or off`);
const GATEWAY_REQUESTS = intFromEnv('BENCH_GATEWAY_REQUESTS', 2000);
const GATEWAY_CONCURRENCY = intFromEnv('BENCH_GATEWAY_CONCURRENCY', 8);
const GATEWAY_CHUNKS = intFromEnv('BENCH_GATEWAY_CHUNKS', 20);
const LARGE_ROUNDS = intFromEnv('BENCH_LARGE_ROUNDS', 8, 2);
const COLD_ROUNDS = intFromEnv('BENCH_COLD_ROUNDS', 6, 2);
const MIP_ROUNDS = intFromEnv('BENCH_MIP_ROUNDS', 3);
const STALL_ROUNDS = intFromEnv('BENCH_STALL_ROUNDS', 4, 2);
/** Scrolling per round: long enough for several renewals of a 10 s token (one every 5 s). */
const STALL_SCROLL_SECONDS = intFromEnv('BENCH_STALL_SCROLL_SECONDS', 30, 6);
/**
 * Where DICOMweb is, seen from the viewer: 'cross-origin' (default, as the demo and a KHEOPS on its
 * own host: every request with a bearer token needs a CORS preflight) or 'same-origin' (each viewer
 * host forwards /api/studies… to its gateway, as a reverse proxy in front of both would).
 */
const DICOMWEB = process.env.BENCH_DICOMWEB ?? 'cross-origin';
if (DICOMWEB !== 'cross-origin' && DICOMWEB !== 'same-origin') throw new Error(`BENCH_DICOMWEB=${DICOMWEB} must be cross-origin or same-origin`);
const SAME_ORIGIN = DICOMWEB === 'same-origin';

type PathName = 'a' | 'b';

interface LaunchSample {
  ms: number;
  /** Click to the start of the navigation that loaded OHIF (for (a): the small page and the provider). */
  beforeViewerMs: number;
  /** From that navigation's start to the first image: OHIF's boot, (a)'s code exchange, the study load. */
  viewerMs: number;
  /** The code exchange's duration in the page (a) (resource timing of POST /token), else 0. */
  tokenMs: number;
  /** Gateway requests up to the first image: CORS preflights (OPTIONS) and DICOMweb GETs. */
  preflights: number;
  dicomWebRequests: number;
  documents: string[];
  redirects: string[];
}

interface Bench {
  stack: RunningStack;
  stackInfo: StackInfo;
  anonymousStandin: Standin;
  anonymousViewer: ViewerHost;
  browser: Browser;
  studyUid: string;
  seriesUid: string;
  /** The smallest series: its metadata is the gateway measurement's request (the upstream work is least, the gateway's share most). */
  metadataPath: string;
  /** An access token for the gateway measurement, taken from a code exchange of path (a). */
  accessToken?: string;
}

const log = (line: string) => console.log(line);

function clickedSeries(stack: RunningStack): { studyUid: string; seriesUid: string; metadataPath: string } {
  // The same series the end-to-end tests click: the CT study's second (thin, 64-slice) series.
  const ct = stack.sampleData.studies.find(study => study.series.some(series => series.modality === 'CT'));
  const series = ct?.series[1];
  if (!ct || !series) throw new Error('the sample data has no CT study with two series');
  const smallest = stack.sampleData.studies
    .flatMap(study => study.series.map(candidate => ({ study, series: candidate })))
    .sort((x, y) => x.series.instances - y.series.instances)[0];
  if (!smallest) throw new Error('the sample data is empty');
  return {
    studyUid: ct.studyInstanceUID,
    seriesUid: series.seriesInstanceUID,
    metadataPath: `/studies/${smallest.study.studyInstanceUID}/series/${smallest.series.seriesInstanceUID}/metadata`,
  };
}

async function clickThumbnail(page: Page, seriesUid: string): Promise<number> {
  const thumbnail = page.locator(`a.series-thumbnail[data-series-uid="${seriesUid}"]`);
  await thumbnail.waitFor();
  const clickedAt = Date.now();
  await thumbnail.click();
  return clickedAt;
}

async function waitForViewer(page: Page, origin: string): Promise<void> {
  try {
    await page.waitForURL(url => url.origin === origin && url.pathname === '/kheops', { timeout: 120_000 });
  } catch (error) {
    const status = await page.locator('[data-kheops-auth-status]').first().textContent({ timeout: 1000 }).catch(() => null);
    throw new Error(`the viewer did not reach /kheops (at ${new URL(page.url()).pathname}${status ? `, showing "${status}"` : ''}): ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Checks that the measured launch really shows the clicked series, drawn (screenshot statistics). */
async function confirmShown(page: Page, seriesUid: string, origin: string): Promise<void> {
  const landed = new URL(page.url());
  if (landed.origin !== origin || landed.searchParams.get('initialSeriesInstanceUID') !== seriesUid) {
    throw new Error(`the launch landed on ${landed.href}`);
  }
  await waitForFirstViewportSeries(page, seriesUid, 60_000);
  await waitForRenderedFirstViewport(page, 60_000);
}

/**
 * The requests a gateway logged from now on: the authenticated one through its test controls, the
 * anonymous one (in this process) from its in-memory log.
 */
async function gatewayLogReader(bench: Bench, which: PathName): Promise<() => Promise<Array<{ method: string }>>> {
  if (which === 'b') {
    const start = bench.anonymousStandin.requestLog().length;
    return async () => bench.anonymousStandin.requestLog().slice(start);
  }
  const clear = await fetch(`${bench.stack.standinUrl}/__test/log/clear`, { method: 'POST' });
  if (!clear.ok) throw new Error(`clearing the gateway log answered ${clear.status}`);
  return async () => (await (await fetch(`${bench.stack.standinUrl}/__test/log`)).json()) as Array<{ method: string }>;
}

async function launchOnce(bench: Bench, which: PathName, seriesUid = bench.seriesUid): Promise<LaunchSample> {
  const context = await newViewerContext(bench.browser);
  try {
    await installFirstImageProbe(context, [bench.stack.viewerOrigin, bench.anonymousViewer.origin]);
    if (PREFETCH_WORKER === 'off') await context.route('**/kheops-prefetch-worker.mjs*', route => route.abort());
    const origin = which === 'a' ? bench.stack.viewerOrigin : bench.anonymousViewer.origin;
    const studyPage = which === 'a' ? `${bench.stack.studyPageUrl}?user=alice` : `${bench.anonymousStandin.url}/?user=alice`;

    // Warm-up launch in this context: fills the HTTP cache (OHIF's bundles are immutable) and, for
    // (a), signs alice in at the provider with the login form. Not measured.
    const warm = await context.newPage();
    if (which === 'a') {
      await launchFromStudyPage(warm, bench.stackInfo, seriesUid);
    } else {
      await warm.goto(studyPage);
      await clickThumbnail(warm, seriesUid);
      await waitForViewer(warm, origin);
    }
    await firstImageAt(warm);
    await warm.close();

    // Measured launch: a new tab (new sessionStorage, as a new launch from KHEOPS), same provider session.
    const page = await context.newPage();
    if (which === 'a') {
      page.on('response', async response => {
        if (response.request().method() === 'POST' && response.url() === `${bench.stack.issuer}/token` && response.ok()) {
          const body = (await response.json().catch(() => ({}))) as { access_token?: string };
          if (body.access_token) bench.accessToken = body.access_token;
        }
      });
    }
    await page.goto(studyPage);
    const gatewayLog = await gatewayLogReader(bench, which);
    const navigations = countNavigations(page);
    const clickedAt = await clickThumbnail(page, seriesUid);
    await waitForViewer(page, origin);
    const shownAt = await firstImageAt(page);
    const timing = await page.evaluate(() => ({
      origin: performance.timeOrigin,
      token: performance
        .getEntriesByType('resource')
        .filter(entry => /\/token$/.test(new URL(entry.name).pathname))
        .reduce((sum, entry) => sum + entry.duration, 0),
    }));
    const gatewayEntries = await gatewayLog();
    const sample: LaunchSample = {
      preflights: gatewayEntries.filter(entry => entry.method === 'OPTIONS').length,
      dicomWebRequests: gatewayEntries.filter(entry => entry.method !== 'OPTIONS').length,
      ms: shownAt - clickedAt,
      beforeViewerMs: timing.origin - clickedAt,
      viewerMs: shownAt - timing.origin,
      tokenMs: timing.token,
      documents: [...navigations.documents],
      redirects: [...navigations.redirects],
    };
    if (sample.documents.some(url => url.includes('/interaction/'))) {
      throw new Error('the provider showed a form during the measured launch: the provider session was not reused');
    }
    await confirmShown(page, seriesUid, origin);
    return sample;
  } finally {
    await context.close();
  }
}

/** Launches that failed and were run again; printed, so a noisy run is visible as such. */
const failures: string[] = [];
const MAX_RETRIES = 2;

/**
 * Other work on this machine may rebuild dist/ (npm run build empties it first) while a launch runs,
 * and the viewer then never gets past its callback. Such a launch is run again, at most twice per
 * bench, and every failure is printed with the screen the viewer showed.
 */
async function launchWithRetry(bench: Bench, which: PathName, seriesUid?: string): Promise<LaunchSample> {
  for (;;) {
    try {
      return await launchOnce(bench, which, seriesUid);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failures.push(`(${which}) ${message}`);
      log(`[bench] launch (${which}) failed, ${failures.length <= MAX_RETRIES ? 'running it again' : 'giving up'}: ${message}`);
      if (failures.length > MAX_RETRIES) throw error;
    }
  }
}

interface GatewayThroughput {
  token: number;
  anonymous: number;
  /** Median over adjacent chunk pairs of (token req/s) / (anonymous req/s): drift between pairs cancels out. */
  pairedRatio: number;
}

async function gatewayThroughput(bench: Bench): Promise<GatewayThroughput> {
  if (!bench.accessToken) throw new Error('no access token was captured from a launch');
  const suffix = bench.metadataPath;
  const withToken = { url: `${bench.stack.dicomWebRoot}${suffix}`, headers: { Authorization: `Bearer ${bench.accessToken}` } };
  const anonymous = { url: `${bench.anonymousStandin.dicomWebRoot}${suffix}`, headers: {} };
  // Warm both paths (connections, Orthanc's caches), then alternate chunks of each, swapping which
  // goes first, so drift (other load on the machine, Orthanc's caches) spreads over both; each pair
  // of adjacent chunks gives one ratio, and their median is robust to a pair disturbed by other load.
  await measureThroughput(withToken.url, withToken.headers, 50, GATEWAY_CONCURRENCY);
  await measureThroughput(anonymous.url, anonymous.headers, 50, GATEWAY_CONCURRENCY);
  const chunks = GATEWAY_CHUNKS;
  const chunk = Math.ceil(GATEWAY_REQUESTS / chunks);
  const seconds = { token: 0, anonymous: 0 };
  const ratios: number[] = [];
  for (let i = 0; i < chunks; i++) {
    const runToken = async () => (await measureThroughput(withToken.url, withToken.headers, chunk, GATEWAY_CONCURRENCY)).seconds;
    const runAnonymous = async () => (await measureThroughput(anonymous.url, anonymous.headers, chunk, GATEWAY_CONCURRENCY)).seconds;
    let tokenSeconds: number;
    let anonymousSeconds: number;
    if (i % 2) {
      anonymousSeconds = await runAnonymous();
      tokenSeconds = await runToken();
    } else {
      tokenSeconds = await runToken();
      anonymousSeconds = await runAnonymous();
    }
    seconds.token += tokenSeconds;
    seconds.anonymous += anonymousSeconds;
    ratios.push(anonymousSeconds / tokenSeconds);
  }
  return { token: (chunks * chunk) / seconds.token, anonymous: (chunks * chunk) / seconds.anonymous, pairedRatio: median(ratios) };
}

const median = (values: number[]) => summarize(values).median;

/** Tokens outlive the whole run (the renewal figure shortens them for its own rounds only). */
const BENCH_ACCESS_TOKEN_TTL = 3600;

interface Figures {
  bench: Bench;
  workDir: string;
}

async function launchFigure({ bench }: Figures): Promise<void> {
  const samples: Record<PathName, LaunchSample[]> = { a: [], b: [] };
  const launchPlan = plan(ROUNDS);
  const paired = await pairedRoundsUntilPrecise(launchPlan, async round => {
    // Alternate which path goes first, so slow drift (caches, CPU) does not favour one.
    const order: PathName[] = round % 2 ? ['a', 'b'] : ['b', 'a'];
    for (const which of order) {
      const sample = await launchWithRetry(bench, which);
      samples[which].push(sample);
      log(
        `[bench] round ${round} (${which}): ${Math.round(sample.ms)} ms (click to viewer navigation ${Math.round(sample.beforeViewerMs)}, viewer ${Math.round(sample.viewerMs)}, token exchange ${Math.round(sample.tokenMs)}), ${sample.dicomWebRequests} DICOMweb requests + ${sample.preflights} preflights, ${sample.documents.length} documents, ${sample.redirects.length} redirects`,
      );
    }
    return { numerator: (samples.a[round - 1] as LaunchSample).ms, denominator: (samples.b[round - 1] as LaunchSample).ms };
  });
  const rounds = paired.pairs;
  const a = summarize(samples.a.map(sample => sample.ms));
  const b = summarize(samples.b.map(sample => sample.ms));
  const documentsA = median(samples.a.map(sample => sample.documents.length));
  const documentsB = median(samples.b.map(sample => sample.documents.length));
  const redirectsA = median(samples.a.map(sample => sample.redirects.length));
  const redirectsB = median(samples.b.map(sample => sample.redirects.length));
  const last = (which: PathName) => samples[which][samples[which].length - 1] as LaunchSample;
  log('');
  log(`DICOMweb seen from the viewer: ${DICOMWEB}; the login page's prefetch worker: ${PREFETCH_WORKER}`);
  log(`launch (a) third-party login, existing provider session: ${formatMs(a)} over ${rounds} rounds`);
  log(`launch (b) direct, no authentication:                    ${formatMs(b)} over ${rounds} rounds`);
  const phase = (which: PathName, key: 'beforeViewerMs' | 'viewerMs' | 'tokenMs' | 'preflights' | 'dicomWebRequests') => Math.round(median(samples[which].map(sample => sample[key])));
  log(`phases (a), medians: click to viewer navigation ${phase('a', 'beforeViewerMs')} ms, viewer to first image ${phase('a', 'viewerMs')} ms (of which token exchange ${phase('a', 'tokenMs')} ms)`);
  log(`phases (b), medians: click to viewer navigation ${phase('b', 'beforeViewerMs')} ms, viewer to first image ${phase('b', 'viewerMs')} ms`);
  log(`gateway requests before the first image, medians: (a) ${phase('a', 'dicomWebRequests')} DICOMweb + ${phase('a', 'preflights')} CORS preflights, (b) ${phase('b', 'dicomWebRequests')} DICOMweb + ${phase('b', 'preflights')} CORS preflights`);
  log(`documents (a): ${documentsA} [${last('a').documents.join(' -> ')}]`);
  log(`documents (b): ${documentsB} [${last('b').documents.join(' -> ')}]`);
  log(`redirects (a): ${redirectsA} [${last('a').redirects.join(', ')}]`);
  log(`redirects (b): ${redirectsB} [${last('b').redirects.join(', ')}]`);
  log(`launch (a)/(b) of the medians: ${(a.median / b.median).toFixed(3)}`);
  // The figure: paired rounds (each round's (a) over its (b)), with its interval.
  const note = precisionNote('launch_ratio', paired, launchPlan);
  if (note) log(note);
  log(`launch_ratio=${formatRatio(paired)} extra_document_loads=${documentsA - documentsB}`);
}

async function ensureAccessToken(bench: Bench): Promise<void> {
  // The gateway figure needs a token from a code exchange; without the launch figure, one launch gives it.
  if (!bench.accessToken) await launchWithRetry(bench, 'a');
}

async function gatewayFigure({ bench }: Figures): Promise<void> {
  await ensureAccessToken(bench);
  log(`[bench] gateway: ${GATEWAY_REQUESTS} GETs of ${bench.metadataPath} per gateway, concurrency ${GATEWAY_CONCURRENCY}`);
  const gateway = await gatewayThroughput(bench);
  const f1 = (n: number) => n.toFixed(1);
  log(`gateway: ${Math.round(gateway.token)} req/s with token check, ${Math.round(gateway.anonymous)} req/s anonymous over the whole run; median of ${GATEWAY_CHUNKS} paired chunks: throughput cost ${f1(100 * (1 - gateway.pairedRatio))} %`);
  const check = await measureTokenCheck(bench.stack.issuer, bench.stack.dicomWebRoot, bench.accessToken ?? '');
  // Per request, the anonymous gateway spends concurrency / throughput seconds of wall time.
  const requestMicroseconds = (1e6 * GATEWAY_CONCURRENCY) / gateway.anonymous;
  log(`token check alone (in process, ${check.iterations} checks): ${check.microseconds.toFixed(0)} µs each, ${f1((100 * check.microseconds) / requestMicroseconds)} % of an anonymous request's ${Math.round(requestMicroseconds / 1000)} ms`);
  log(`gateway_ratio=${gateway.pairedRatio.toFixed(3)}`);
}

async function bundleFigure(): Promise<void> {
  const modules = runtimeModules();
  const f1 = (n: number) => n.toFixed(1);
  const sizes = {
    extension: fileGzippedKb(modules['extension-kheops-auth.mjs'] as string),
    mode: fileGzippedKb(modules['mode-kheops.mjs'] as string),
    login: fileGzippedKb(path.join(REPO_ROOT, 'extension-kheops-auth', 'dist', 'login-page', 'kheops-login.mjs')),
  };
  const react = await extensionSizes(REPO_ROOT);
  log(`bundle_kb=extension-kheops-auth:${f1(sizes.extension)},mode-kheops:${f1(sizes.mode)},kheops-login:${f1(sizes.login)} react_kb=${f1(react.react)} extension_beyond_react_kb=${f1(sizes.extension - react.react)}`);
}

async function largeStudyFigure({ bench }: Figures): Promise<void> {
  await loadLargeStudy(bench.stack.orthancUrl, log);
  await largeStudyRatio(plan(LARGE_ROUNDS), seriesUid => launchWithRetry(bench, 'b', seriesUid), log);
}

async function coldLaunchFigure({ bench }: Figures): Promise<void> {
  // A first round served uncompressed while the hosts still make their copies would be an outlier.
  log('[bench] cold launch: waiting for the viewer hosts\' compressed copies');
  await Promise.all([bench.stack.compressedCopiesMade, bench.anonymousViewer.compressedCopiesMade]);
  await coldLaunchRatio(
    {
      browser: bench.browser,
      seriesUid: bench.seriesUid,
      login: { studyPage: `${bench.stack.studyPageUrl}?user=alice`, viewerOrigin: bench.stack.viewerOrigin, providerOrigin: new URL(bench.stack.issuer).origin },
      direct: { studyPage: `${bench.anonymousStandin.url}/?user=alice`, viewerOrigin: bench.anonymousViewer.origin },
      probeOrigins: [bench.stack.viewerOrigin, bench.anonymousViewer.origin],
    },
    plan(COLD_ROUNDS),
    log,
  );
}

async function mipFigure({ bench }: Figures): Promise<void> {
  const mip = await measureMipTiming(bench.browser, bench.stackInfo, bench.seriesUid, MIP_ROUNDS, log);
  log(`MPR: ${formatMs(mip.mpr)}, MIP: ${formatMs(mip.mip)} over ${MIP_ROUNDS} rounds (Layout preset to every pane drawn)`);
  log(`mip_ratio=${mip.ratio.toFixed(3)}`);
}

async function renewalStallFigure({ bench }: Figures): Promise<void> {
  const { stall, placebo } = await renewalStall(bench.browser, bench.stackInfo, bench.seriesUid, { rounds: STALL_ROUNDS, scrollMs: STALL_SCROLL_SECONDS * 1000, restoreTtl: BENCH_ACCESS_TOKEN_TTL }, log);
  log(`the same statistic with the windows halfway between renewals (placebo): ${formatMeanInterval(placebo)} ms`);
  log(`renewal_stall_ms=${formatMeanInterval(stall)}`);
}

/**
 * The figures `npm run bench -- <name>…` selects (all of them, in this order, without a name). A new
 * figure is one entry: a function of the running bench that prints its own lines.
 */
const FIGURES: Record<string, (figures: Figures) => Promise<void>> = {
  launch: launchFigure,
  large_study: largeStudyFigure,
  cold_launch: coldLaunchFigure,
  gateway: gatewayFigure,
  bundle: bundleFigure,
  mip: mipFigure,
  renewal_stall: renewalStallFigure,
};

function selectedFigures(args: string[]): string[] {
  const names = args.filter(arg => !arg.startsWith('-'));
  const unknown = names.filter(name => !(name in FIGURES));
  if (unknown.length) throw new Error(`unknown bench figure ${unknown.join(', ')}; the figures are ${Object.keys(FIGURES).join(', ')}`);
  return names.length ? names : Object.keys(FIGURES);
}

async function main(): Promise<void> {
  const figures = selectedFigures(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'kheops-ohif-bench-'));
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    if (figures.length === 1 && figures[0] === 'bundle') {
      await bundleFigure();
      return;
    }
    log(`[bench] figures: ${figures.join(', ')}`);
    log(`[bench] starting the stack (viewer ${PORTS.viewer}, stand-in ${PORTS.standin}, Orthanc ${PORTS.orthanc}); DICOMweb ${DICOMWEB}`);
    // Tokens outlive the whole run, so the gateway measurement can reuse one from a launch.
    const stack = await startStack({
      viewerPort: PORTS.viewer,
      standinPort: PORTS.standin,
      orthancPort: PORTS.orthanc,
      workDir,
      testControls: true,
      accessTokenTtl: BENCH_ACCESS_TOKEN_TTL,
      viewer: { sameOriginDicomWeb: SAME_ORIGIN },
    });
    stops.push(() => stack.stop());

    // Path (b): a second stand-in whose gateway checks no token, in front of the same Orthanc, and a
    // second viewer host serving the same app and modules with a data source pointing there. The
    // mode depends on the extension, so it is loaded too; with no sign-in it adds no header.
    const anonymousOrigin = `http://localhost:${PORTS.anonymousViewer}`;
    log(`[bench] starting the anonymous gateway (${PORTS.anonymousStandin}) and its viewer (${PORTS.anonymousViewer})`);
    const anonymousStandin = await startStandin({
      port: PORTS.anonymousStandin,
      orthancUrl: stack.orthancUrl,
      viewerOrigin: anonymousOrigin,
      anonymousGateway: true,
      // The authenticated gateway appends its log to a file too: same work on both paths.
      logFile: path.join(workDir, 'anonymous-gateway-requests.jsonl'),
    });
    stops.push(() => anonymousStandin.close());
    const anonymousViewer = await startViewerHost({
      port: PORTS.anonymousViewer,
      distDir: ohifDistDir(),
      appConfigScript: renderAppConfigScript(
        standinAppConfig(anonymousOrigin, SAME_ORIGIN ? { ...anonymousStandin, dicomWebRoot: `${anonymousOrigin}/api` } : anonymousStandin),
      ),
      modules: runtimeModules(),
      ...(SAME_ORIGIN ? { dicomWebProxy: anonymousStandin.url } : {}),
      // The same deployment headers as (a)'s host (platform-config/src/headers.ts, CSP naming this
      // path's gateway): the two hosts differ only in the data source and the login.
      headers: viewerSecurityHeaders({
        viewerOrigin: anonymousOrigin,
        connectSrc: [anonymousStandin.issuer, anonymousStandin.dicomWebRoot],
        inlineScriptHashes: appInlineScriptHashes(ohifDistDir()),
      }),
    });
    stops.push(() => anonymousViewer.close());

    const browser = await launchBrowser();
    stops.push(() => browser.close());
    const bench: Bench = {
      stack,
      stackInfo: { ...stack, workDir },
      anonymousStandin,
      anonymousViewer,
      browser,
      ...clickedSeries(stack),
    };
    for (const name of figures) {
      log(`[bench] figure ${name}`);
      await (FIGURES[name] as (figures: Figures) => Promise<void>)({ bench, workDir });
    }
    log(`failed launches run again: ${failures.length}${failures.length ? ` (${failures.join('; ')})` : ''}`);
  } finally {
    await stopAll();
  }
}

main().catch(error => {
  console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
