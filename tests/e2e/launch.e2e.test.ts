import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { stackInfo } from './support/stack-info';
import { firstViewportSeries, waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

test('launch opens the clicked series', async () => {
  const { study, series } = clickedCtSeries(stack);
  await clearGatewayLog(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);

  try {
    // A clinician on the KHEOPS study page clicks the thumbnail of the study's second series.
    await page.goto(`${stack.studyPageUrl}?user=alice`);
    await page.locator(`a.series-thumbnail[data-series-uid="${series.seriesInstanceUID}"]`).click();

    // The viewer's login route sends the browser to the provider, which asks alice to sign in.
    await page.waitForSelector('#password', { timeout: 60_000 });
    expect(new URL(page.url()).origin).toBe(new URL(stack.issuer).origin);
    expect(await page.inputValue('#username')).toBe('alice');
    await page.fill('#password', 'alice');
    await page.click('#login');

    // Back in the viewer, on the mode route with the study and the clicked series.
    await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
    const landed = new URL(page.url());
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    expect(landed.searchParams.get('initialSeriesInstanceUID')).toBe(series.seriesInstanceUID);
    expect(landed.searchParams.has('code')).toBe(false);
    expect(landed.searchParams.has('state')).toBe(false);

    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    const shown = await firstViewportSeries(page);
    expect(shown).toEqual({ seriesInstanceUID: series.seriesInstanceUID, description: series.description });

    // The first viewport says which series it shows, and draws it.
    await page.locator('[data-cy="viewport-overlay-top-left"]').first().getByText(series.description).waitFor({ timeout: 60_000 });
    const stats = await waitForRenderedFirstViewport(page);
    expect(stats.litFraction).toBeGreaterThan(0.05);
    await page.screenshot({ path: artifactPath('launch-opens-the-clicked-series.png') });
    // The clicked series was found, so the viewer raises no "series not found" notice.
    expect(await page.getByText('Series not found').count()).toBe(0);

    // Every DICOMweb request reached the gateway with a valid token; none went without one.
    const log = await gatewayLog(stack);
    const requests = log.filter(entry => entry.outcome !== 'preflight');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter(entry => entry.outcome !== 'forwarded')).toEqual([]);
    expect(requests.every(entry => entry.tokenId !== 'none' && entry.sub === 'alice')).toBe(true);
    expect(requests.some(entry => entry.path.includes(`/series/${series.seriesInstanceUID}`))).toBe(true);
  } catch (error) {
    await page.screenshot({ path: artifactPath('launch-opens-the-clicked-series.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});
