// The launches of released KHEOPS, which put a token in the URL: viewer-token links and report
// providers (implicit flow). The viewer takes the token out of the URL before anything else, keeps
// it for the trusted DICOMweb root only (as a header), and refuses anything pointing elsewhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromReportProvider, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, saveReport, until } from './support/measurements';
import { srSeriesInOrthanc } from './support/sr';
import { stackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

function jwtClaims(token: string): { jti?: string; sub?: string; scope?: string; study_uid?: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: string };
}

function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', request => urls.push(request.url()));
  return urls;
}

/** Every form in which a token could appear in a URL. */
function tokenForms(token: string): string[] {
  return [token, encodeURIComponent(token), token.slice(0, 40)];
}

test('viewer link launch hides the token', async () => {
  const { study, series } = clickedCtSeries(stack);
  await clearGatewayLog(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const requested = recordRequests(page);
  try {
    // What KHEOPS does when a series is clicked: a viewer link with a study-scoped token in `url`.
    const query = new URLSearchParams({ user: 'alice', study: study.studyInstanceUID, series: series.seriesInstanceUID, path: '/viewer' });
    const historyBefore = await page.evaluate(() => window.history.length);
    await page.goto(`${stack.standinUrl}/ui/viewer-link?${query.toString()}`);
    await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
    // The viewer says how long the session lasts and that it cannot be renewed (a notice of a few seconds).
    const notice = page.getByText(/KHEOPS session: .* left; it cannot be renewed\. Save your work before it ends\./).first().waitFor({ timeout: 60_000 }).then(() => true, () => false);

    // The link as the browser first requested it: the viewer document, token in its query.
    const first = requested.findIndex(url => url.startsWith(stack.viewerOrigin) && url.includes('ohifservermetadata'));
    expect(first).toBeGreaterThanOrEqual(0);
    const link = new URL(new URL(requested[first] ?? '').searchParams.get('url') ?? '');
    const token = decodeURIComponent(/\/link\/([^/]+)\/ohifservermetadata$/.exec(link.pathname)?.[1] ?? '');
    expect(token.length).toBeGreaterThan(40);
    expect(new URL(requested[first] ?? '').pathname).toBe('/viewer');

    // The address bar: the mode route with the study and the clicked series, no token.
    const landed = new URL(page.url());
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    expect(landed.searchParams.get('initialSeriesInstanceUID')).toBe(series.seriesInstanceUID);
    expect(landed.searchParams.has('url')).toBe(false);

    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    await waitForRenderedFirstViewport(page);
    expect(await notice).toBe(true);
    await page.screenshot({ path: artifactPath('legacy-viewer-link.png') });

    // No request after the first one carried the token in its URL (ohifservermetadata was never fetched).
    const later = requested.slice(first + 1);
    expect(later.length).toBeGreaterThan(10);
    for (const form of tokenForms(token)) expect(later.filter(url => url.includes(form))).toEqual([]);
    expect(later.filter(url => url.includes('ohifservermetadata'))).toEqual([]);
    // Not in the history or the address bar either: the launch entry was replaced, not pushed.
    const { length, href } = await page.evaluate(() => ({ length: window.history.length, href: window.location.href }));
    expect(length).toBe(historyBefore + 1);
    for (const form of tokenForms(token)) expect(href).not.toContain(form);

    // Every DICOMweb request carried the viewer token as a header (never in the path), and only it.
    const { jti } = jwtClaims(token);
    const log = (await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter(entry => entry.outcome !== 'forwarded')).toEqual([]);
    expect(log.every(entry => entry.tokenId === jti && entry.sub === 'alice')).toBe(true);
    expect(log.filter(entry => entry.path.includes('/link/'))).toEqual([]);
    expect(log.some(entry => entry.path.includes(`/series/${series.seriesInstanceUID}`))).toBe(true);
    // And the token never appeared in the console.
    for (const form of tokenForms(token)) expect(consoleLines.filter(line => line.includes(form))).toEqual([]);
    // The entry before the viewer is the blank page this test started from: the launch left no other.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
  } catch (error) {
    await page.screenshot({ path: artifactPath('legacy-viewer-link.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('report provider launch opens the study', async () => {
  const { study } = clickedCtSeries(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const requested = recordRequests(page);
  const reportName = `Report provider ${Date.now()}`;
  let token = '';
  page.on('response', response => {
    const location = response.headers().location;
    if (location?.includes('#access_token=')) token = new URLSearchParams(location.split('#')[1]).get('access_token') ?? '';
  });
  try {
    // On the KHEOPS study page: the report provider of the study (a form posted to /api/report).
    await launchFromReportProvider(page, stack, study.studyInstanceUID);
    expect(token.length).toBeGreaterThan(40);
    const landed = new URL(page.url());
    expect(landed.hash).toBe('');
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);

    await waitForRenderedFirstViewport(page);
    // The way back to KHEOPS, from the launch's return_uri (on the KHEOPS origin).
    // (In the header, or in the session panel where the header leaves no room beside the summary.)
    const back = page.locator('[data-kheops-auth-return]');
    await back.waitFor({ state: 'attached', timeout: 30_000 });
    expect(new URL((await back.getAttribute('href')) ?? '').origin).toBe(new URL(stack.standinUrl).origin);
    // A reload keeps it: the address is kept with the token in the tab, not only in the page's memory.
    await page.reload();
    await waitForRenderedFirstViewport(page);
    await back.waitFor({ state: 'attached', timeout: 30_000 });
    expect(new URL((await back.getAttribute('href')) ?? '').origin).toBe(new URL(stack.standinUrl).origin);

    // Scope write: a measurement saved as an SR reaches the store.
    await clearGatewayLog(stack);
    await drawTrackedLength(page);
    await saveReport(page, reportName);
    await page.getByText(/^Report saved to /).waitFor({ timeout: 60_000 });
    await until('a new SR series in Orthanc', async () => {
      const now = await srSeriesInOrthanc(stack, study.studyInstanceUID);
      return now.filter(uid => !srBefore.includes(uid)).length === 1 ? true : undefined;
    });
    await page.screenshot({ path: artifactPath('legacy-report-provider.png') });

    const { jti } = jwtClaims(token);
    const log = (await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(log.some(entry => entry.method === 'POST' && entry.outcome === 'forwarded' && entry.tokenId === jti)).toBe(true);
    // The fragment is gone: from the address bar, and no URL the browser asked for holds the token.
    expect(new URL(page.url()).hash).toBe('');
    for (const form of tokenForms(token)) {
      expect(requested.filter(url => url.includes(form))).toEqual([]);
      expect(consoleLines.filter(line => line.includes(form))).toEqual([]);
    }
  } catch (error) {
    await page.screenshot({ path: artifactPath('legacy-report-provider.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('untrusted KHEOPS root is refused', async () => {
  // Another origin posing as KHEOPS: it must not receive a single request.
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }).end(JSON.stringify({ dicomweb_endpoint: 'x' }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const fakeToken = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJlc2lnbmF0dXJl';
  try {
    const { study } = clickedCtSeries(stack);
    const launches = [
      `${stack.viewerOrigin}/viewer?${new URLSearchParams({ url: `${other}/api/link/${fakeToken}/ohifservermetadata`, studyInstanceUIDs: study.studyInstanceUID }).toString()}`,
      `${stack.viewerOrigin}/kheops/report#${new URLSearchParams({
        access_token: fakeToken,
        token_type: 'bearer',
        expires_in: '3600',
        scope: 'read write',
        conf_uri: `${other}/api/.well-known/report-provider-configuration`,
        return_uri: `${other}/`,
        studyUID: study.studyInstanceUID,
      }).toString()}`,
    ];
    for (const launch of launches) {
      await page.goto(launch);
      const status = page.locator('[data-kheops-auth-status="refused"]');
      await status.waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-kheops-auth-code]').getAttribute('data-kheops-auth-code')).toBe('untrusted_root');
      const message = (await page.locator('[data-kheops-auth-message]').textContent()) ?? '';
      // One plain sentence for the clinician; the launch's own account goes under it, for IT.
      expect(message).toBe('This link points at a KHEOPS the viewer does not trust, so it was not opened.');
      expect(await page.locator('[data-kheops-auth-detail]').textContent()).toContain('not a KHEOPS this viewer trusts');
      expect(message).not.toContain(fakeToken);
      const url = new URL(page.url());
      expect(url.pathname).toBe('/kheops/refused');
      expect(url.search).toBe('?code=untrusted_root');
      expect(url.hash).toBe('');
    }
    await page.screenshot({ path: artifactPath('legacy-untrusted-root.png') });
    // Every request the page made has ended before asserting none went to the untrusted root.
    await page.waitForLoadState('networkidle');
    expect(hits).toEqual([]);
    expect(consoleLines.filter(line => line.includes(fakeToken))).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: artifactPath('legacy-untrusted-root.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }
});
