// Released KHEOPS, unchanged (issue 14): its viewer links and report-provider launches become renewable
// sessions through its Keycloak realm, silently, and every static session that ends keeps the report.
// Runs against the released-KHEOPS stand-in the e2e stack starts beside the default one (same Orthanc).
import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog } from './support/gateway-log';
import { clickedCtSeries, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, measurements, saveReport, until } from './support/measurements';
import {
  badge,
  inViewer,
  kheopsControl,
  openFromKheops,
  openInKheopsNamedTab,
  realmControl,
  realmPagesShown,
  releasedLog,
  reportTokenActive,
  signInToKheops,
  viewerLinkFor,
} from './support/released';
import { newSrReport, readSr, srSeriesInOrthanc } from './support/sr';
import { revokeUser } from './support/standin-controls';
import { stackInfo } from './support/stack-info';
import { searchThroughOhif, waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

afterEach(async () => {
  await realmControl(stack, 'ttl', { accessTokenTtl: 300 });
  await kheopsControl(stack, 'ttl', { reportTokenTtl: 3600 });
});

async function scroll(page: Page, times: number): Promise<void> {
  const pane = page.locator('[data-cy="viewport-pane"]').first();
  const box = await pane.boundingBox();
  if (!box) return;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < times; i += 1) await page.mouse.wheel(0, i % 10 < 5 ? 120 : -120);
}

/** A new SR series of the study in Orthanc, read back: the report reached KHEOPS. */
function newReport(studyInstanceUID: string, before: string[]): Promise<ReturnType<typeof readSr>> {
  return newSrReport(stack, studyInstanceUID, before);
}

test('a viewer link from released KHEOPS becomes a renewable session', async () => {
  const { study, series } = clickedCtSeries(stack);
  await realmControl(stack, 'ttl', { accessTokenTtl: 10 });
  await kheopsControl(stack, 'log/clear');
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  context.on('page', opened => opened.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`)));
  let viewer: Page | undefined;
  try {
    await signInToKheops(page, stack);
    const shown = realmPagesShown(context, stack);
    // A series click, as in KHEOPS: the tab OHIF-<study>, the viewer link, then the silent upgrade.
    viewer = await openFromKheops(page, stack, study.studyInstanceUID, series.seriesInstanceUID);
    await waitForFirstViewportSeries(viewer, series.seriesInstanceUID);
    await waitForRenderedFirstViewport(viewer);
    expect(shown.filter(path => path.startsWith('/interaction'))).toEqual([]);
    const who = await badge(viewer);
    expect(who.user).toBe('Alice Martin');
    expect(who.detail).toContain('renewed through your KHEOPS sign-in');
    await viewer.screenshot({ path: artifactPath('released-upgraded.png') });

    const drawnMm = await drawTrackedLength(viewer);
    const started = Date.now();
    let restartedAt: number | undefined;
    // Two minutes of scrolling with a 10 s realm token; a minute in, KHEOPS restarts and every viewer token dies.
    let searches = 0;
    while (Date.now() - started < 120_000) {
      await scroll(viewer, 5);
      // The frames are loaded once; a search through OHIF's data source keeps DICOMweb traffic going.
      expect(await searchThroughOhif(viewer)).toBeGreaterThan(0);
      searches += 1;
      if (restartedAt === undefined && Date.now() - started >= 60_000) {
        const { viewerTokensKilled } = await kheopsControl(stack, 'restart');
        expect(viewerTokensKilled).toBeGreaterThanOrEqual(1);
        restartedAt = Date.now();
      }
      await viewer.waitForTimeout(1_000);
    }
    expect(searches).toBeGreaterThan(20);
    expect((await measurements(viewer)).length).toBe(1);
    await saveReport(viewer, `Released upgraded ${Date.now()}`);
    const { findings } = await newReport(study.studyInstanceUID, srBefore);
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);

    const requests = (await releasedLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.filter(entry => entry.status === 401)).toEqual([]);
    expect(requests.filter(entry => entry.outcome !== 'forwarded')).toEqual([]);
    // After the upgrade, only realm tokens: none of the DICOMweb traffic depended on the viewer token.
    expect(requests.filter(entry => entry.kind !== 'realm')).toEqual([]);
    expect(requests.every(entry => entry.sub === 'alice' && (entry.exp ?? 0) * 1000 >= Date.parse(entry.time) - 1000)).toBe(true);
    // Renewed all along: a 10 s token over two minutes is many tokens.
    expect(new Set(requests.map(entry => entry.tokenId)).size).toBeGreaterThanOrEqual(8);
    const stow = requests.filter(entry => entry.method === 'POST' && entry.path.startsWith('/api/studies'));
    expect(stow.length).toBe(1);
    expect(Date.parse(stow[0]!.time)).toBeGreaterThan(restartedAt ?? Infinity);
    expect(stow[0]).toMatchObject({ status: 200, kind: 'realm', sub: 'alice' });
  } catch (error) {
    await viewer?.screenshot({ path: artifactPath('released-upgraded.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a viewer link without a realm session keeps the viewer token', async () => {
  const { study } = clickedCtSeries(stack);
  await kheopsControl(stack, 'log/clear');
  const { context, page, consoleLines } = await openClinicianPage(browser);
  context.on('page', opened => opened.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`)));
  const shown = realmPagesShown(context, stack);
  try {
    // No realm session in this browser: KHEOPS's named tab, the silent request answered login_required.
    const link = await viewerLinkFor(stack, 'alice', study.studyInstanceUID);
    const tab = await openInKheopsNamedTab(page, stack, link, study.studyInstanceUID);
    await waitForRenderedFirstViewport(tab);
    const noSession = await badge(tab);
    expect(noSession.user).toBe('the KHEOPS link');
    expect(noSession.detail).toContain('ends when KHEOPS ends the link');
    expect(noSession.why).toContain('You are not signed in to KHEOPS');
    await tab.screenshot({ path: artifactPath('released-no-realm-session.png') });
    const viewerRequests = (await releasedLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(viewerRequests.length).toBeGreaterThan(0);
    expect(viewerRequests.filter(entry => entry.outcome !== 'forwarded' || entry.kind !== 'viewer')).toEqual([]);

    // A share link in a browser signed in to KHEOPS: not KHEOPS's tab, so no request to the realm at all.
    await signInToKheops(page, stack);
    const authorizations: string[] = [];
    context.on('request', request => {
      if (request.url().includes('/protocol/openid-connect/auth')) authorizations.push(request.url());
    });
    const shared = await context.newPage();
    await shared.goto(await viewerLinkFor(stack, 'alice', study.studyInstanceUID));
    await inViewer(shared, stack);
    await waitForRenderedFirstViewport(shared);
    const share = await badge(shared);
    expect(share.detail).toContain('ends when KHEOPS ends the link');
    expect(share.why).toContain('not opened from KHEOPS in this browser');
    expect(authorizations).toEqual([]);
    // Never a login form, in either case.
    expect(shown.filter(path => path.startsWith('/interaction')).length).toBe(1); // the KHEOPS UI's own sign-in above
  } catch (error) {
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a report-provider launch upgrades and saves after an hour', async () => {
  const { study } = clickedCtSeries(stack);
  // "An hour" shortened: the report-provider token lives 20 s, the realm's access token 10 s.
  await kheopsControl(stack, 'ttl', { reportTokenTtl: 20 });
  await realmControl(stack, 'ttl', { accessTokenTtl: 10 });
  await kheopsControl(stack, 'log/clear');
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  let reportToken = '';
  page.on('response', response => {
    const location = response.headers().location;
    if (location?.includes('#access_token=')) reportToken = new URLSearchParams(location.split('#')[1]).get('access_token') ?? '';
  });
  try {
    await signInToKheops(page, stack);
    await page.locator(`article[data-study-uid="${study.studyInstanceUID}"] form.open-report-provider button`).click();
    await inViewer(page, stack);
    await waitForRenderedFirstViewport(page);
    expect(reportToken.length).toBeGreaterThan(20);
    const who = await badge(page);
    expect(who.user).toBe('Alice Martin');
    expect(who.detail).toContain('renewed through your KHEOPS sign-in');
    const drawnMm = await drawTrackedLength(page);
    // The report-provider token ends; the clinician keeps working.
    await until('the end of the report-provider token', async () => ((await reportTokenActive(stack, reportToken)) ? (await scroll(page, 3), undefined) : true), 90_000);
    const endedAt = Date.now();
    await saveReport(page, `Released report provider ${Date.now()}`);
    const { findings } = await newReport(study.studyInstanceUID, srBefore);
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    const requests = (await releasedLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.filter(entry => entry.status === 401)).toEqual([]);
    const stow = requests.filter(entry => entry.method === 'POST' && entry.path.startsWith('/api/studies'));
    expect(stow).toHaveLength(1);
    expect(stow[0]).toMatchObject({ status: 200, kind: 'realm', sub: 'alice' });
    expect(Date.parse(stow[0]!.time)).toBeGreaterThan(endedAt);
  } catch (error) {
    await page.screenshot({ path: artifactPath('released-report-provider.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a static session that ends keeps the report', async () => {
  // The default stand-in's viewer links: its issuer entry names no realm, so nothing is upgraded.
  const { study, series } = clickedCtSeries(stack);
  await clearGatewayLog(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const openLink = async (tab: Page) => {
    const query = new URLSearchParams({ user: 'alice', study: study.studyInstanceUID, series: series.seriesInstanceUID });
    await tab.goto(`${stack.standinUrl}/ui/viewer-link?${query.toString()}`);
    await tab.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
    await waitForRenderedFirstViewport(tab);
  };
  try {
    await openLink(page);
    const drawnMm = await drawTrackedLength(page);
    // Mid-annotation, KHEOPS stops taking the token (the user's access revoked, as an album can be).
    await revokeUser(stack, 'alice');
    await saveReport(page, `Static session ended ${Date.now()}`);
    const prompt = page.locator('[data-kheops-auth-reauthenticate][data-kheops-auth-renewable="false"]');
    await prompt.waitFor({ timeout: 60_000 });
    expect(await prompt.textContent()).toContain('open the study again from KHEOPS, where it is offered');
    // The page and the measurement stay; nothing went to Orthanc.
    expect((await measurements(page)).map(measurement => Math.round(measurement.length ?? 0))).toEqual([Math.round(drawnMm)]);
    expect(await srSeriesInOrthanc(stack, study.studyInstanceUID)).toEqual(srBefore);
    await page.screenshot({ path: artifactPath('released-static-ended.png') });

    // The next launch from KHEOPS offers the waiting report, and sends it.
    const again = await context.newPage();
    await openLink(again);
    await again.locator('[data-kheops-auth-pending-save]').waitFor({ timeout: 60_000 });
    await again.locator('[data-kheops-auth-action="send-pending"]').click();
    await again.getByText('The waiting report is now stored in KHEOPS.').waitFor({ timeout: 60_000 });
    const { findings } = await newReport(study.studyInstanceUID, srBefore);
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
  } catch (error) {
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});
