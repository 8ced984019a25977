import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, openClinicianPage, openStudyAtFirstImage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, saveReport, until } from './support/measurements';
import { readDicomFile, readSr } from './support/sr';
import { revokeUser, setTokenLifetimes } from './support/standin-controls';
import { sharedSessionExpiry, sharedSessionKeys, signOutEveryTab } from './support/shared-sessions';
import { stackInfo } from './support/stack-info';
import { launchByThirdPartyLogin } from './support/third-party-login';
import { openSessionPanel } from './support/session-indicator';


const stack = stackInfo();
const browser = useBrowser();

test('signed-in user is shown and the waiting report can be downloaded', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const reportName = `Report to download ${Date.now()}`;
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);

    // Who is signed in, with which provider, and a way to sign out: always on screen.
    const badge = page.locator('[data-kheops-auth-session="signed-in"]');
    await badge.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-kheops-auth-user]').textContent()).resolves.toBe('Alice Martin');
    await expect(badge.textContent()).resolves.toContain('KHEOPS (local stand-in)');
    // In OHIF's header; the indicator's panel holds the way to sign out.
    await openSessionPanel(page);
    expect(await page.locator('[data-kheops-auth-action="sign-out"]').isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('session-badge.png') });

    // A save that waits for a sign-in (the grant was revoked), and the tab closed meanwhile.
    const drawnMm = await drawTrackedLength(page);
    await revokeUser(stack, 'alice');
    await saveReport(page, reportName);
    await page.locator('[data-kheops-auth-reauthenticate]').waitFor({ timeout: 60_000 });
    await page.close();

    // Reopened: the offer of the waiting report, and its download as a DICOM file.
    const again = await context.newPage();
    again.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`));
    await launchByThirdPartyLogin(again, stack, { studyInstanceUID: study.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID });
    await again.locator('[data-kheops-auth-pending-save]').waitFor({ timeout: 90_000 });
    const [download] = await Promise.all([again.waitForEvent('download', { timeout: 60_000 }), again.locator('[data-kheops-auth-action="download-pending"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^Report_to_download_\d+_[\d.]+\.dcm$/);
    const { meta, dataset: report } = readDicomFile(await download.path());
    expect(report.Modality).toBe('SR');
    expect(report.StudyInstanceUID).toBe(study.studyInstanceUID);
    expect(report.SeriesDescription).toBe(reportName);
    expect(meta.MediaStorageSOPInstanceUID).toBe(report.SOPInstanceUID);
    expect(download.suggestedFilename()).toContain(String(report.SOPInstanceUID));
    const { findings } = readSr(report);
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    // Downloading keeps it waiting; the clinician then discards it here.
    await again.locator('[data-kheops-auth-downloaded]').waitFor({ timeout: 30_000 });
    await again.screenshot({ path: artifactPath('pending-save-downloaded.png') });
    await again.locator('[data-kheops-auth-action="discard-pending"]').click();
    await again.locator('[data-kheops-auth-pending-save]').waitFor({ state: 'detached', timeout: 30_000 });
    // The badge is there in the reopened tab too.
    await expect(again.locator('[data-kheops-auth-user]').textContent()).resolves.toBe('Alice Martin');
  } catch (error) {
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('bulk data fetched after a renewal carries the current token', async () => {
  const { series } = clickedCtSeries(stack);
  await setTokenLifetimes(stack, { accessTokenTtl: 10 });
  const { context, page, consoleLines } = await openClinicianPage(browser);
  try {
    await clearGatewayLog(stack);
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    // OHIF attached retrieveBulkData to each BulkDataURI value of the metadata it loaded (PixelData here).
    // (The study may also hold SR series of earlier tests, whose instances have no pixel data.)
    const bulkDataURI = await page.evaluate(() => {
      const services = (window as unknown as { services: Record<string, any> }).services;
      const instances = services.displaySetService.getActiveDisplaySets().flatMap((set: any) => set.instances ?? []);
      const instance = instances.find((candidate: any) => typeof candidate?.PixelData?.retrieveBulkData === 'function');
      return instance?.PixelData.BulkDataURI as string | undefined;
    });
    expect(bulkDataURI).toContain('/api/studies/');

    // Past the expiry of every token the metadata came with: a request carrying one of them now would be refused.
    const metadataTokensExpire = Math.max(0, ...(await gatewayLog(stack)).map(entry => entry.exp ?? 0)) * 1000;
    expect(metadataTokensExpire).toBeGreaterThan(0);
    await until('the metadata\'s tokens expired', async () => (Date.now() > metadataTokensExpire ? true : undefined), 60_000);
    await clearGatewayLog(stack);
    const received = await page.evaluate(async uri => {
      const services = (window as unknown as { services: Record<string, any> }).services;
      const instances = services.displaySetService.getActiveDisplaySets().flatMap((set: any) => set.instances ?? []);
      const instance = instances.find((candidate: any) => candidate?.PixelData?.BulkDataURI === uri);
      const value = await instance.PixelData.retrieveBulkData();
      return (value as ArrayBuffer | undefined)?.byteLength ?? 0;
    }, bulkDataURI);
    expect(received).toBeGreaterThan(0);
    const bulk = (await gatewayLog(stack)).filter(entry => entry.method === 'GET' && entry.path.startsWith(new URL(bulkDataURI!).pathname));
    expect(bulk.length).toBeGreaterThan(0);
    for (const entry of bulk) expect(entry).toMatchObject({ outcome: 'forwarded', status: 200, sub: 'alice' });
  } catch (error) {
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).join('\n'));
    throw error;
  } finally {
    await setTokenLifetimes(stack, { accessTokenTtl: 300 });
    await context.close();
  }
});

test('sign-out ends the session in every tab and at the provider', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  // The test (not the viewer) notes the tokens as they travel, to try them again after the sign-out.
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  context.on('request', request => {
    const authorization = request.headers().authorization;
    if (authorization?.startsWith('Bearer ') && request.url().startsWith(stack.dicomWebRoot)) accessTokens.add(authorization.slice(7));
  });
  context.on('response', response => {
    if (response.url() !== `${stack.issuer}/token` || response.request().method() !== 'POST') return;
    response
      .json()
      .then((body: { refresh_token?: string }) => body.refresh_token && refreshTokens.add(body.refresh_token))
      .catch(() => undefined);
  });
  try {
    await launchFromStudyPage(page, stack, series.seriesInstanceUID);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    const second = await context.newPage();
    await launchByThirdPartyLogin(second, stack, { studyInstanceUID: study.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID });
    for (const tab of [page, second]) await tab.locator('[data-kheops-auth-session="signed-in"]').waitFor({ timeout: 60_000 });
    expect(accessTokens.size).toBeGreaterThan(0);
    expect(refreshTokens.size).toBeGreaterThan(0);

    // No measurement on the page: nothing to confirm.
    await signOutEveryTab([page, second]);
    // The provider confirmed the revocation, and the other tab says where the sign-out happened.
    await expect(page.locator('[data-kheops-auth-detail]').textContent()).resolves.not.toContain('did not confirm');
    await expect(second.locator('[data-kheops-auth-detail]').textContent()).resolves.toContain('another tab');
    await page.screenshot({ path: artifactPath('signed-out.png') });
    // The record the tabs shared is gone from IndexedDB.
    await expect(sharedSessionKeys(page)).resolves.toEqual([]);

    // At the provider: the refresh tokens are dead and the access tokens refused by the DICOMweb server.
    for (const refreshToken of refreshTokens) {
      const refreshed = await fetch(`${stack.issuer}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'ohif-viewer' }),
      });
      expect(refreshed.status).toBe(400);
      await expect(refreshed.json()).resolves.toMatchObject({ error: 'invalid_grant' });
    }
    for (const accessToken of accessTokens) {
      const refused = await fetch(`${stack.dicomWebRoot}/studies`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/dicom+json' } });
      expect(refused.status).toBe(401);
    }
  } catch (error) {
    await page.screenshot({ path: artifactPath('sign-out.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('tokens left by closed tabs are deleted when a viewer page starts', async () => {
  const { series } = clickedCtSeries(stack);
  await setTokenLifetimes(stack, { accessTokenTtl: 10 });
  const { context, page } = await openClinicianPage(browser);
  try {
    await launchFromStudyPage(page, stack, series.seriesInstanceUID);
    await page.locator('[data-kheops-auth-session="signed-in"]').waitFor({ timeout: 60_000 });
    await expect(sharedSessionKeys(page)).resolves.toEqual([`${stack.issuer}|alice`]);
    // Alice closes her only viewer tab; her last access token runs out, her refresh token does not.
    // (Lifetimes go back to normal only after the close, so her tab cannot renew into a long token first.)
    await page.close();
    await setTokenLifetimes(stack, { accessTokenTtl: 300 });
    const reader = await context.newPage();
    // A page of the viewer's origin that does not start the viewer (whose start would clean up at once).
    await reader.goto(`${stack.viewerOrigin}/app-config.js`);
    const lastExpiry = await sharedSessionExpiry(reader, `${stack.issuer}|alice`);
    await reader.close();
    await until('alice\'s last access token expired', async () => (Date.now() > lastExpiry ? true : undefined), 60_000);

    // Bob opens a study on the same computer: the viewer starting deletes what no tab uses any more.
    const second = await context.newPage();
    await launchFromStudyPage(second, stack, series.seriesInstanceUID, { name: 'bob', password: 'bob' });
    await waitForFirstViewportSeries(second, series.seriesInstanceUID);
    const keys = await until('alice\'s tokens deleted', async () => {
      const now = await sharedSessionKeys(second);
      return now.includes(`${stack.issuer}|alice`) ? undefined : now;
    });
    expect(keys).toEqual([`${stack.issuer}|bob`]);
  } finally {
    await setTokenLifetimes(stack, { accessTokenTtl: 300 });
    await context.close();
  }
});
