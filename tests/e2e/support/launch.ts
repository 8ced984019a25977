import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newViewerContext } from './browser';
import type { StackInfo } from './stack-info';
import { waitForRenderedFirstViewport } from './viewer';

export interface SampleSeries {
  seriesInstanceUID: string;
  description: string;
  modality: string;
}

/** The synthetic CT study and its second (thin, 64-slice) series: the one the tests click. */
export function clickedCtSeries(stack: StackInfo) {
  const ct = stack.sampleData.studies.find(study => study.series.some(series => series.modality === 'CT'));
  if (!ct || ct.series.length < 2) throw new Error('the sample data has no CT study with two series');
  const series = ct.series[1];
  if (!series) throw new Error('the CT study has no second series');
  return { study: ct, series };
}

export interface Launched {
  context: BrowserContext;
  page: Page;
  consoleLines: string[];
}

/** A fresh browser context with its console captured, for a test to launch the viewer in. */
export async function openClinicianPage(browser: Browser): Promise<Launched> {
  const context = await newViewerContext(browser);
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`));
  return { context, page, consoleLines };
}

/**
 * What a clinician does: on the KHEOPS study page, click a series thumbnail, sign in at the provider,
 * and land in the viewer on the page the launch names (`/kheops`). Returns once the viewer's URL is reached.
 */
export async function launchFromStudyPage(
  page: Page,
  stack: StackInfo,
  seriesInstanceUID: string,
  user: { name: string; password: string } = { name: 'alice', password: 'alice' },
  studyPageQuery = '',
): Promise<URL> {
  await page.goto(`${stack.studyPageUrl}?user=${user.name}${studyPageQuery}`);
  const thumbnail = page.locator(`a.series-thumbnail[data-series-uid="${seriesInstanceUID}"]`);
  // The viewer page the launch names (/kheops, or /kheops/<data source> for another KHEOPS).
  const launch = new URL((await thumbnail.getAttribute('href')) ?? '', page.url());
  const viewerPath = new URL(launch.searchParams.get('target_link_uri') ?? '/kheops', stack.viewerOrigin).pathname;
  await thumbnail.click();
  await page.waitForSelector('#password', { timeout: 60_000 });
  if (new URL(page.url()).origin !== new URL(stack.issuer).origin) {
    throw new Error(`the sign-in form is not at the provider: ${page.url()}`);
  }
  await page.fill('#password', user.password);
  await page.click('#login');
  await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === viewerPath, { timeout: 60_000 });
  return new URL(page.url());
}

/**
 * Released KHEOPS's report provider, as a clinician starts it: on the study page, the study's report
 * provider button (a form posted to /api/report); returns once the viewer's /kheops page is reached.
 */
export async function launchFromReportProvider(page: Page, stack: StackInfo, studyInstanceUID: string): Promise<void> {
  await page.goto(`${stack.studyPageUrl}?user=alice`);
  await page.locator(`form.open-report-provider button[data-study-uid="${studyInstanceUID}"]`).click();
  await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
}

/** A launch from the study page as launchFromStudyPage, then the clicked series drawn in OHIF's first viewport. */
export async function openStudyAtFirstImage(
  page: Page,
  stack: StackInfo,
  seriesInstanceUID: string,
  user?: { name: string; password: string },
): Promise<void> {
  await launchFromStudyPage(page, stack, seriesInstanceUID, user);
  await waitForFirstViewportSeries(page, seriesInstanceUID);
  await waitForRenderedFirstViewport(page);
}

/** Waits until OHIF's first viewport holds the given series (read from window.services). */
export async function waitForFirstViewportSeries(page: Page, seriesInstanceUID: string, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    expected => {
      const services = (window as unknown as { services?: Record<string, any> }).services;
      const state = services?.viewportGridService?.getState();
      if (!state?.viewports) return false;
      const viewports = state.viewports instanceof Map ? [...state.viewports.values()] : Object.values(state.viewports);
      const uid = viewports[0]?.displaySetInstanceUIDs?.[0];
      return uid ? services?.displaySetService?.getDisplaySetByUID(uid)?.SeriesInstanceUID === expected : false;
    },
    seriesInstanceUID,
    { timeout: timeoutMs },
  );
}
