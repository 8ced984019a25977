import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newViewerContext } from './support/browser';
import { clearGatewayLog, gatewayLog, type GatewayLogEntry } from './support/gateway-log';
import { setTokenLifetimes } from './support/standin-controls';
import { stackInfo } from './support/stack-info';

const stack = stackInfo();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  await setTokenLifetimes(stack, { accessTokenTtl: 10 });
});

afterAll(async () => {
  await setTokenLifetimes(stack, { accessTokenTtl: 300 });
  await browser?.close();
});

function ctSeries() {
  const ct = stack.sampleData.studies.find(study => study.series.some(series => series.modality === 'CT'));
  const series = ct?.series[1];
  if (!ct || !series) throw new Error('the sample data has no CT study with two series');
  return { study: ct, series };
}

/** Third-party initiated login as KHEOPS would send it; the provider form appears only without a provider session. */
async function launch(page: Page, extraQuery = ''): Promise<void> {
  const { study, series } = ctSeries();
  const target = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${study.studyInstanceUID}&initialSeriesInstanceUID=${series.seriesInstanceUID}${extraQuery}`;
  const params = new URLSearchParams({ iss: stack.issuer, login_hint: 'alice', target_link_uri: target });
  await page.goto(`${stack.viewerOrigin}/kheops/login?${params}`);
  const landed = page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
  const form = page.waitForSelector('#password', { timeout: 60_000 }).then(() => 'form' as const);
  if ((await Promise.race([landed.then(() => 'viewer' as const), form])) === 'form') {
    await page.fill('#password', 'alice');
    await page.click('#login');
    await landed;
  }
  await page.locator('[data-cy="viewport-pane"]').first().waitFor({ timeout: 90_000 });
}

/** A QIDO search through OHIF's own data source, so the request takes the header OHIF asks for. */
async function searchThroughOhif(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const manager = (window as unknown as { extensionManager: any }).extensionManager;
    const [dataSource] = manager.getActiveDataSource();
    const studies = await dataSource.query.studies.search({});
    return studies.length as number;
  });
}

async function scroll(page: Page, times: number): Promise<void> {
  const panes = page.locator('[data-cy="viewport-pane"]');
  const count = await panes.count();
  for (let i = 0; i < times; i += 1) {
    const box = await panes.nth(i % count).boundingBox();
    if (!box) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, i % 10 < 5 ? 120 : -120);
  }
}

function expectEveryRequestAuthorised(entries: GatewayLogEntry[]): void {
  const requests = entries.filter(entry => entry.outcome !== 'preflight');
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter(entry => entry.status === 401)).toEqual([]);
  expect(requests.filter(entry => entry.outcome !== 'forwarded')).toEqual([]);
  for (const entry of requests) {
    expect(entry.sub).toBe('alice');
    // The gateway checked expiry when the request arrived; this states it for the record.
    expect((entry.exp ?? 0) * 1000).toBeGreaterThanOrEqual(Date.parse(entry.time) - 1000);
  }
}

test('token refresh under load', async () => {
  await clearGatewayLog(stack);
  const context = await newViewerContext(browser);
  const page = await context.newPage();
  try {
    await launch(page, '&hangingProtocolId=mpr');
    const started = Date.now();
    let searches = 0;
    // Two minutes of scrolling in MPR with a 10 s access token, with study searches through OHIF between bursts.
    while (Date.now() - started < 125_000) {
      await scroll(page, 5);
      expect(await searchThroughOhif(page)).toBeGreaterThan(0);
      searches += 1;
      await page.waitForTimeout(1_000);
    }
    const entries = await gatewayLog(stack);
    expectEveryRequestAuthorised(entries);
    // The token was renewed all along: many distinct tokens, as a 10 s lifetime demands.
    expect(new Set(entries.map(entry => entry.tokenId)).size).toBeGreaterThanOrEqual(10);
    expect(searches).toBeGreaterThan(20);
  } finally {
    await context.close();
  }
});

test('three tabs share one session', async () => {
  await clearGatewayLog(stack);
  const context = await newViewerContext(browser);
  try {
    const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
    for (const tab of tabs) await launch(tab);
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      for (const tab of tabs) {
        await scroll(tab, 4);
        expect(await searchThroughOhif(tab)).toBeGreaterThan(0);
      }
      await tabs[0]!.waitForTimeout(1_000);
    }
    // The grant was never revoked: each tab still gets through after a minute of shared renewals.
    for (const tab of tabs) expect(await searchThroughOhif(tab)).toBeGreaterThan(0);
    expectEveryRequestAuthorised(await gatewayLog(stack));
    const health = await Promise.all(tabs.map(tab => tab.evaluate(() => sessionStorage.getItem('kheops-auth.active-issuer'))));
    expect(health).toEqual([stack.issuer, stack.issuer, stack.issuer]);
  } finally {
    await context.close();
  }
});
