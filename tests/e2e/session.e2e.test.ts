import type { Page } from 'playwright-core';
import { newViewerContext, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog, type GatewayLogEntry } from './support/gateway-log';
import { clickedCtSeries, openClinicianPage, openStudyAtFirstImage } from './support/launch';
import { drawTrackedLength, measurements, saveReport, until } from './support/measurements';
import { fetchFirstInstance, readSr, srSeriesInOrthanc } from './support/sr';
import { failParts, revokeUser, setTokenLifetimes } from './support/standin-controls';
import { searchThroughOhif, waitForRenderedFirstViewport } from './support/viewer';
import { artifactPath } from './support/browser';
import { sharedSessionKeys } from './support/shared-sessions';
import { stackInfo } from './support/stack-info';
import { launchByThirdPartyLogin } from './support/third-party-login';
import { scroll } from './support/viewer-activity';

const stack = stackInfo();
const browser = useBrowser();

/** Access-token lifetime of this file's tests (seconds): every wait below is counted in lifetimes, not in seconds. */
const TTL_S = 10;
const lifetimes = (count: number) => count * TTL_S * 1000;
/** What a launch and the first image may take on a loaded machine, added to the lifetimes a test waits. */
const LAUNCH_ALLOWANCE_MS = 120_000;

beforeAll(async () => {
  await setTokenLifetimes(stack, { accessTokenTtl: TTL_S });
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

/** Distinct access tokens the gateway saw on DICOMweb requests. */
async function tokensUsed(): Promise<Set<string>> {
  return new Set((await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight' && entry.tokenId !== 'none').map(entry => entry.tokenId));
}

/** Renewals the load test waits for. */
const RENEWALS = 8;

test('token refresh under load', async () => {
  await clearGatewayLog(stack);
  const context = await newViewerContext(browser);
  const page = await context.newPage();
  try {
    await launch(page, '&hangingProtocolId=mpr');
    // Scrolling in MPR with study searches through OHIF between bursts, until the session renewed its
    // token RENEWALS times under that load; however slow the machine, every request must get through.
    await until(
      `${RENEWALS} renewals under load`,
      async () => {
        await scroll(page, 5);
        expect(await searchThroughOhif(page)).toBeGreaterThan(0);
        return (await tokensUsed()).size > RENEWALS ? true : undefined;
      },
      lifetimes(4 * RENEWALS),
    );
    expectEveryRequestAuthorised(await gatewayLog(stack));
  } finally {
    await context.close();
  }
}, LAUNCH_ALLOWANCE_MS + lifetimes(4 * RENEWALS));

test('three tabs share one session', async () => {
  await clearGatewayLog(stack);
  const context = await newViewerContext(browser);
  try {
    const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
    // Which access tokens each tab put on its DICOMweb requests (kept in this test's memory only).
    const used = tabs.map(() => new Set<string>());
    tabs.forEach((tab, index) =>
      tab.on('request', request => {
        const authorization = request.headers().authorization;
        if (authorization && request.url().startsWith(stack.dicomWebRoot)) used[index]!.add(authorization);
      }),
    );
    for (const tab of tabs) await launch(tab);
    // Every tab renews at least twice. They renew from one shared record, whose refresh token rotates
    // at each renewal: a tab that presented a refresh token another tab had already used would get
    // the grant revoked (RFC 9700), and every tab's next request would be refused.
    await until(
      'two renewals in every tab',
      async () => {
        for (const tab of tabs) {
          await scroll(tab, 4);
          expect(await searchThroughOhif(tab)).toBeGreaterThan(0);
        }
        return used.every(tokens => tokens.size >= 3) ? true : undefined;
      },
      lifetimes(20),
    ).catch(error => {
      // Counts only: the tokens themselves never reach a log.
      throw new Error(`${(error as Error).message} (distinct tokens per tab: ${used.map(tokens => tokens.size).join(', ')})`);
    });
    // One session for the three tabs: one shared record, and the grant still alive, so each tab gets through.
    await expect(sharedSessionKeys(tabs[0]!)).resolves.toEqual([`${stack.issuer}|alice`]);
    for (const tab of tabs) expect(await searchThroughOhif(tab)).toBeGreaterThan(0);
    expectEveryRequestAuthorised(await gatewayLog(stack));
    // Each tab's session is healthy as the tab itself shows it now: signed in, nothing at risk or ended.
    for (const tab of tabs) {
      await expect(tab.locator('[data-kheops-auth-session]').getAttribute('data-kheops-auth-session')).resolves.toBe('signed-in');
      // The badge names the provider alone while the session is active ("KHEOPS · cannot reach KHEOPS" when at risk).
      await expect(tab.locator('[data-kheops-auth-detail]').textContent()).resolves.not.toContain('·');
    }
  } finally {
    await context.close();
  }
}, 3 * LAUNCH_ALLOWANCE_MS + lifetimes(20));

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
    await page.getByText(/^Report saved to /).waitFor({ timeout: 60_000 });
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

/** When (epoch ms) the access token the page holds expires, as the session stored it in the tab. */
function heldTokenExpiry(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.max(0, ...Object.keys(sessionStorage).filter(key => key.startsWith('kheops-auth.user.')).map(key => ((JSON.parse(sessionStorage.getItem(key) ?? '{}') as { expires_at?: number }).expires_at ?? 0) * 1000)),
  );
}

test('provider down during refresh', async () => {
  const { series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const prompt = page.locator('[data-kheops-auth-reauthenticate]');
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    await clearGatewayLog(stack);

    // The provider goes away until the viewer says the session is at risk and the access token the
    // page held when it went has expired: a renewal was due, and failed, while the clinician scrolled.
    await failParts(stack, { provider: true });
    let promptSeen = false;
    let atRiskSeen = false;
    await until(
      'the session at risk and its token expired',
      async () => {
        await scroll(page, 5);
        promptSeen ||= (await prompt.count()) > 0;
        // A notice that shows for a while: noted when seen, as the token may expire after it went.
        atRiskSeen ||= (await page.getByText('KHEOPS (local stand-in) session at risk').count()) > 0;
        return atRiskSeen && Date.now() > (await heldTokenExpiry(page)) ? true : undefined;
      },
      lifetimes(6),
    );
    // The loaded series still draws: the clinician keeps working on what is on screen.
    await waitForRenderedFirstViewport(page);
    await page.screenshot({ path: artifactPath('provider-down.png') });

    // A search made now waits for the session instead of failing: it is seen still waiting after the
    // server refused its expired token and after a renewal failed since; it goes through once KHEOPS is back.
    const searchStarted = Date.now();
    // Renewals the page attempts (each fails: the provider is down, and answers without CORS headers).
    const renewalAttempts: number[] = [];
    page.on('request', request => {
      if (request.method() === 'POST' && request.url().startsWith(`${stack.issuer}/token`)) renewalAttempts.push(Date.now());
    });
    await page.evaluate(() => {
      const manager = (window as unknown as { extensionManager: any }).extensionManager;
      const [dataSource] = manager.getActiveDataSource();
      const state = ((window as unknown as { kheopsSearch: Record<string, unknown> }).kheopsSearch = { settled: false });
      dataSource.query.studies.search({}).then(
        (studies: unknown[]) => Object.assign(state, { settled: true, studies: studies.length }),
        (error: unknown) => Object.assign(state, { settled: true, error: String(error) }),
      );
    });
    await until('the search refused with its expired token, then a failed renewal', async () => {
      const refused = (await gatewayLog(stack)).some(entry => entry.method === 'GET' && entry.path.includes('/studies') && entry.status === 401 && Date.parse(entry.time) >= searchStarted - 1000);
      return refused && renewalAttempts.some(at => at >= searchStarted) ? true : undefined;
    }, lifetimes(6));
    const waiting = () => page.evaluate(() => (window as unknown as { kheopsSearch: { settled: boolean; studies?: number; error?: string } }).kheopsSearch);
    expect(await waiting()).toEqual({ settled: false });
    await failParts(stack, { provider: false });
    const settled = await until('the waiting search to finish', async () => ((await waiting()).settled ? waiting() : undefined), lifetimes(6));
    expect(settled.error).toBeUndefined();
    expect(settled.studies).toBeGreaterThan(0);
    await page.getByText('KHEOPS (local stand-in) session renewed').first().waitFor({ timeout: 30_000 });
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
}, LAUNCH_ALLOWANCE_MS + lifetimes(18));

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
