import type { Page } from 'playwright-core';
import { newViewerContext, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog, type GatewayLogEntry } from './support/gateway-log';
import { clickedCtSeries, openClinicianPage, openStudyAtFirstImage } from './support/launch';
import { drawTrackedLength, measurements, saveReport, until } from './support/measurements';
import { fetchFirstInstance, readSr, srSeriesInOrthanc } from './support/sr';
import { failParts, revokeUser, setTokenLifetimes } from './support/standin-controls';
import { waitForRenderedFirstViewport } from './support/viewer';
import { artifactPath } from './support/browser';
import { stackInfo } from './support/stack-info';
import { launchByThirdPartyLogin } from './support/third-party-login';

const stack = stackInfo();
const browser = useBrowser();

beforeAll(async () => {
  await setTokenLifetimes(stack, { accessTokenTtl: 10 });
});

afterAll(async () => {
  await setTokenLifetimes(stack, { accessTokenTtl: 300 });
});

function ctSeries() {
  const ct = stack.sampleData.studies.find(study => study.series.some(series => series.modality === 'CT'));
  const series = ct?.series[1];
  if (!ct || !series) throw new Error('the sample data has no CT study with two series');
  return { study: ct, series };
}

/** Third-party initiated login as KHEOPS would send it, then OHIF's first viewport. */
async function launch(page: Page, extraQuery = ''): Promise<void> {
  const { study, series } = ctSeries();
  await launchByThirdPartyLogin(page, stack, { studyInstanceUID: study.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID, extraQuery });
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

test('revoked session keeps annotations', async () => {
  const { study, series } = clickedCtSeries(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const reportName = `Report after re-authentication ${Date.now()}`;
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    const drawnMm = await drawTrackedLength(page);

    // KHEOPS revokes alice's grants: her access token is refused and her refresh token is dead.
    await revokeUser(stack, 'alice');
    await saveReport(page, reportName);

    // The viewer stays where it is and asks her to sign in again, in a popup.
    const prompt = page.locator('[data-kheops-auth-reauthenticate]');
    await prompt.waitFor({ timeout: 60_000 });
    await expect(prompt.textContent()).resolves.toContain('Sign in again to keep working');
    await page.screenshot({ path: artifactPath('revoked-session-prompt.png') });
    // Nothing was lost while the session was dead: the same document, the measurement still there.
    await page.evaluate(() => ((window as unknown as { kheopsTestMarker: string }).kheopsTestMarker = 'same page'));
    expect(await measurements(page)).toHaveLength(1);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('[data-kheops-auth-action="reauthenticate"]').click()]);
    const password = popup.locator('#password');
    const closed = popup.waitForEvent('close', { timeout: 60_000 }).then(() => 'closed' as const);
    if ((await Promise.race([password.waitFor({ timeout: 60_000 }).then(() => 'form' as const, () => 'closed' as const), closed])) === 'form') {
      await popup.fill('#password', 'alice');
      await popup.click('#login');
      await closed;
    }

    // The held STOW goes out with the new token: the report is in KHEOPS, the measurement still on screen.
    await page.getByText('Measurements saved successfully').waitFor({ timeout: 60_000 });
    const added = await until('the new SR series', async () => {
      const now = await srSeriesInOrthanc(stack, study.studyInstanceUID);
      const fresh = now.filter(uid => !srBefore.includes(uid));
      return fresh.length === 1 ? fresh[0] : undefined;
    });
    const { findings } = readSr(await fetchFirstInstance(stack, study.studyInstanceUID, added));
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    expect(await page.evaluate(() => (window as unknown as { kheopsTestMarker?: string }).kheopsTestMarker)).toBe('same page');
    expect(new URL(page.url()).pathname).toBe('/kheops');
    const log = await gatewayLog(stack);
    const stows = log.filter(entry => entry.method === 'POST');
    expect(stows.some(entry => entry.status === 401)).toBe(true);
    expect(stows.some(entry => entry.outcome === 'forwarded' && entry.status < 300)).toBe(true);
  } catch (error) {
    await page.screenshot({ path: artifactPath('revoked-session.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('provider down during refresh', async () => {
  const { series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const prompt = page.locator('[data-kheops-auth-reauthenticate]');
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    await clearGatewayLog(stack);

    // The provider goes away for 30 s: three lifetimes of the 10 s access token.
    await failParts(stack, { provider: true });
    const atRisk = page.getByText('KHEOPS session at risk').first().waitFor({ timeout: 30_000 });
    const outage = Date.now();
    let promptSeen = false;
    while (Date.now() - outage < 30_000) {
      await scroll(page, 5);
      promptSeen ||= (await prompt.count()) > 0;
      await page.waitForTimeout(1_000);
    }
    await atRisk;
    // The loaded series still draws: the clinician keeps working on what is on screen.
    await waitForRenderedFirstViewport(page);
    await page.screenshot({ path: artifactPath('provider-down.png') });

    // A search made now waits for the session instead of failing, and goes through once KHEOPS is back.
    const search = searchThroughOhif(page);
    await failParts(stack, { provider: false });
    expect(await search).toBeGreaterThan(0);
    await page.getByText('KHEOPS session renewed').first().waitFor({ timeout: 30_000 });
    expect(promptSeen).toBe(false);
    expect(await prompt.count()).toBe(0);
    const requests = (await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.at(-1)).toMatchObject({ outcome: 'forwarded', sub: 'alice' });
    expect(requests.filter(entry => !['forwarded', 'expired'].includes(entry.outcome))).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: artifactPath('provider-down.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await failParts(stack, { provider: false });
    await context.close();
  }
});

test('a save waiting for sign-in survives closing the tab', async () => {
  const { study, series } = clickedCtSeries(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  context.on('page', opened => opened.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`)));
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    const drawnMm = await drawTrackedLength(page);
    await revokeUser(stack, 'alice');
    await saveReport(page, `Report kept across tabs ${Date.now()}`);
    // The save now waits for a sign-in; the clinician closes the tab instead.
    await page.locator('[data-kheops-auth-reauthenticate]').waitFor({ timeout: 60_000 });
    await page.close();

    // Opening the study again from KHEOPS offers to send the waiting report.
    const again = await context.newPage();
    await launch(again);
    const offer = again.locator('[data-kheops-auth-pending-save]');
    await offer.waitFor({ timeout: 60_000 });
    await again.screenshot({ path: artifactPath('pending-save-offer.png') });
    await again.locator('[data-kheops-auth-action="send-pending"]').click();
    await again.getByText('The waiting report is now stored in KHEOPS.').waitFor({ timeout: 60_000 });
    const added = await until('the new SR series', async () => {
      const fresh = (await srSeriesInOrthanc(stack, study.studyInstanceUID)).filter(uid => !srBefore.includes(uid));
      return fresh.length === 1 ? fresh[0] : undefined;
    });
    const { findings } = readSr(await fetchFirstInstance(stack, study.studyInstanceUID, added));
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    // Offered once: a further launch has nothing waiting.
    const third = await context.newPage();
    await launch(third);
    await waitForRenderedFirstViewport(third);
    expect(await third.locator('[data-kheops-auth-pending-save]').count()).toBe(0);
  } catch (error) {
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});
