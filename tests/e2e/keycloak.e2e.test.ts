/**
 * The viewer against a KHEOPS whose users sign in at a Keycloak realm (the stand-in's Keycloak
 * profile, platform-facts §8, with its own DICOMweb gateway on the stack's Orthanc): tokens with no
 * read/write scope, `azp`, rotation on every refresh, `client_id`-only revocation. The viewer's issuer
 * entry for it says `savePermission: 'server-decides'` (tests/stack/keycloak-standin.ts): saving is
 * tried, and KHEOPS decides, as it does per album.
 */
import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, measurements, saveReport, until } from './support/measurements';
import { newSrReport, readDicomFile, readSr, srSeriesInOrthanc } from './support/sr';
import { setReadOnly, setTokenLifetimes } from './support/standin-controls';
import { clickSignOut } from './support/session-indicator';
import { stackInfo, type StackInfo } from './support/stack-info';
import { searchThroughOhif, waitForRenderedFirstViewport } from './support/viewer';
import { scroll } from './support/viewer-activity';

const stack = stackInfo();
const browser = useBrowser();
if (!stack.keycloak) throw new Error('the stack runs no Keycloak-backed KHEOPS (tests/stack/keycloak-standin.ts)');
const keycloak = stack.keycloak;
/** The stack as seen from the Keycloak-backed KHEOPS: its study page, realm, gateway and test controls. */
const kheops: StackInfo = { ...stack, standinUrl: keycloak.url, issuer: keycloak.issuer, dicomWebRoot: keycloak.dicomWebRoot, studyPageUrl: keycloak.studyPageUrl };
/** Seconds: short, so that the test sees renewals; the viewer renews at half of it. */
const ACCESS_TOKEN_TTL = 15;

beforeAll(async () => {
  await setTokenLifetimes(kheops, { accessTokenTtl: ACCESS_TOKEN_TTL });
});

afterAll(async () => {
  await setTokenLifetimes(kheops, { accessTokenTtl: 300 });
});

/** The realm's token endpoint answers the page saw: grant type and status, and the refresh tokens handed out. */
function watchTokenAnswers(page: Page): { refreshes: number[]; refreshTokens: Set<string> } {
  const seen = { refreshes: [] as number[], refreshTokens: new Set<string>() };
  page.on('response', response => {
    if (response.url() !== keycloak.tokenEndpoint || response.request().method() !== 'POST') return;
    if (response.request().postData()?.includes('grant_type=refresh_token')) seen.refreshes.push(response.status());
    response.json().then(
      (body: { refresh_token?: string }) => body.refresh_token && seen.refreshTokens.add(body.refresh_token),
      () => undefined,
    );
  });
  return seen;
}

/** The refresh grant at the realm, as the viewer sends it. */
async function refreshAtRealm(refreshToken: string): Promise<{ status: number; error?: string }> {
  const response = await fetch(keycloak.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: keycloak.clientId }),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return { status: response.status, ...(body.error ? { error: body.error } : {}) };
}

/** A click on the Keycloak-backed KHEOPS's study page, sign-in at the realm, the clicked series drawn. */
async function openFromKeycloakKheops(page: Page, user: { name: string; password: string }): Promise<URL> {
  const { series } = clickedCtSeries(stack);
  const landed = await launchFromStudyPage(page, kheops, series.seriesInstanceUID, user);
  await waitForFirstViewportSeries(page, series.seriesInstanceUID);
  await waitForRenderedFirstViewport(page);
  return landed;
}

test('a Keycloak-backed KHEOPS session saves a report', async () => {
  const { study, series } = clickedCtSeries(stack);
  await clearGatewayLog(kheops);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { page, context, consoleLines } = await openClinicianPage(browser);
  const tokens = watchTokenAnswers(page);
  try {
    const landed = await openFromKeycloakKheops(page, { name: 'alice', password: 'alice' });
    expect(landed.pathname).toBe(keycloak.viewerPath);
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    expect(landed.searchParams.get('initialSeriesInstanceUID')).toBe(series.seriesInstanceUID);
    await expect(page.locator('[data-kheops-auth-session="signed-in"]').textContent()).resolves.toContain('KHEOPS (Keycloak)');

    // Draw and save: the realm's token names no write scope, the viewer tries, KHEOPS's gateway stores it.
    const drawnMm = await drawTrackedLength(page);
    await saveReport(page, `Keycloak-backed ${Date.now()}`);
    const { findings } = await newSrReport(stack, study.studyInstanceUID, srBefore);
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    await page.screenshot({ path: artifactPath('keycloak-saved.png') });

    // Working on past two access-token lifetimes: the session renews at the realm, and no request is refused.
    const started = Date.now();
    await until(
      'two access-token lifetimes of work',
      async () => {
        await scroll(page, 6);
        expect(await searchThroughOhif(page)).toBeGreaterThan(0);
        return Date.now() - started > 2 * ACCESS_TOKEN_TTL * 1000 ? true : undefined;
      },
      6 * ACCESS_TOKEN_TTL * 1000,
    );
    const requests = (await gatewayLog(kheops)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.filter(entry => entry.status === 401)).toEqual([]);
    const stow = requests.filter(entry => entry.method === 'POST' && /\/studies(\/|$|\?)/.test(entry.path));
    expect(stow.map(entry => [entry.status, entry.outcome, entry.sub])).toEqual([[200, 'forwarded', 'alice']]);
    // Keycloak's tokens: no read or write scope at all, whatever KHEOPS lets the user do.
    expect(requests.every(entry => !entry.scope?.split(' ').some(scope => scope === 'read' || scope === 'write'))).toBe(true);
    expect(tokens.refreshes.length).toBeGreaterThanOrEqual(1);
    expect(tokens.refreshes.every(status => status === 200)).toBe(true);
    expect(new Set(requests.map(entry => entry.tokenId)).size).toBeGreaterThanOrEqual(2);

    // Sign out: the measurement on screen is saved, so nothing is asked; the realm revokes the refresh tokens.
    expect(tokens.refreshTokens.size).toBeGreaterThanOrEqual(2);
    expect((await measurements(page)).length).toBeGreaterThan(0);
    await clickSignOut(page);
    await page.locator('[data-kheops-auth-session="signed-out"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-kheops-auth-action="confirm-sign-out"]').isVisible()).toBe(false);
    await expect(page.locator('[data-kheops-auth-detail]').textContent()).resolves.not.toContain('did not end the session');
    await page.screenshot({ path: artifactPath('keycloak-signed-out.png') });
    for (const refreshToken of tokens.refreshTokens) {
      expect(await refreshAtRealm(refreshToken)).toEqual({ status: 400, error: 'invalid_grant' });
    }
  } catch (error) {
    await page.screenshot({ path: artifactPath('keycloak-saves.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a refused save keeps the report downloadable', async () => {
  const { study } = clickedCtSeries(stack);
  // KHEOPS lets bob read this study but not add to it, as an album without the add-series right does.
  await setReadOnly(kheops, 'bob', true);
  await clearGatewayLog(kheops);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { page, context, consoleLines } = await openClinicianPage(browser);
  const reportName = `Refused ${Date.now()}`;
  try {
    await openFromKeycloakKheops(page, { name: 'bob', password: 'bob' });
    const drawnMm = await drawTrackedLength(page);
    await saveReport(page, reportName);

    // The refusal is said, naming the platform, and the report is shown as kept.
    const kept = page.locator('[data-kheops-auth-pending-save]');
    await kept.waitFor({ timeout: 60_000 });
    await expect(kept.locator('[data-kheops-auth-save-refused]').textContent()).resolves.toMatch(
      /^KHEOPS \(Keycloak\) refused to store this report \(403\): your account may not add to this study or album\. The report is kept in this browser/,
    );
    // OHIF lists a report in the study before sending it; refused, it is taken off the list again.
    await page.getByText(reportName, { exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
    await page.screenshot({ path: artifactPath('keycloak-save-refused.png') });
    const stow = (await gatewayLog(kheops)).filter(entry => entry.method === 'POST' && entry.outcome !== 'preflight');
    expect(stow.map(entry => [entry.status, entry.sub])).toEqual([[403, 'bob']]);
    expect(await srSeriesInOrthanc(stack, study.studyInstanceUID)).toEqual(srBefore);

    // Downloaded as a DICOM SR with the measurement; it still waits, and the page keeps the measurement.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), kept.locator('[data-kheops-auth-action="download-pending"]').click()]);
    expect(download.suggestedFilename()).toMatch(/\.dcm$/);
    const { dataset: report } = readDicomFile(await download.path());
    expect(report.Modality).toBe('SR');
    expect(report.StudyInstanceUID).toBe(study.studyInstanceUID);
    expect(report.SeriesDescription).toBe(reportName);
    expect(readSr(report).findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    await kept.locator('[data-kheops-auth-downloaded]').waitFor({ timeout: 30_000 });
    expect((await measurements(page)).map(measurement => Math.round(measurement.length ?? 0))).toEqual([Math.round(drawnMm)]);
    // No sign-in was asked for: the token was fine, the save was not allowed.
    expect(await page.locator('[data-kheops-auth-reauthenticate]').count()).toBe(0);
    await page.screenshot({ path: artifactPath('keycloak-save-refused-downloaded.png') });
  } catch (error) {
    await page.screenshot({ path: artifactPath('keycloak-refused.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
    await setReadOnly(kheops, 'bob', false);
  }
});
