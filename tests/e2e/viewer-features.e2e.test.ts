import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clickedCtSeries, openClinicianPage, openStudyAtFirstImage } from './support/launch';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { fetchFirstInstance, readSr, srSeriesInOrthanc } from './support/sr';
import { acceptTracking, drawLength, drawTrackedLength, measurements, saveReport, until } from './support/measurements';
import { chooseLayout, waitForGrid } from './support/layout';
import { stackInfo } from './support/stack-info';
import { gridViewports, waitForRenderedFirstViewport, waitForRenderedPanes } from './support/viewer';
import { imageStats } from './support/image-stats';

const stack = stackInfo();
const browser = useBrowser();

test('MPR and MIP render the clicked series', async () => {
  const { series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);

    // MPR from the Layout menu: three volume viewports of the clicked series, each drawn.
    await chooseLayout(page, 'MPR');
    const mpr = await waitForGrid(page, 3, series.seriesInstanceUID);
    expect(mpr.map(viewport => viewport.orientation).sort()).toEqual(['axial', 'coronal', 'sagittal']);
    const mprStats = await waitForRenderedPanes(page, 3);
    await page.screenshot({ path: artifactPath('mpr-of-the-clicked-series.png') });
    const coronalIndex = mpr.findIndex(viewport => viewport.orientation === 'coronal');
    const coronalSlice = mprStats[coronalIndex];
    if (!coronalSlice) throw new Error('no coronal MPR viewport');

    // The MIP, listed in the same menu beside OHIF's presets.
    await chooseLayout(page, 'MIP');
    const [mip] = await waitForGrid(page, 1, series.seriesInstanceUID);
    expect(mip).toMatchObject({ viewportId: 'kheops-mip-coronal', viewportType: 'volume', orientation: 'coronal' });
    const [mipStats] = await waitForRenderedPanes(page, 1);
    await page.screenshot({ path: artifactPath('mip-of-the-clicked-series.png') });
    if (!mipStats) throw new Error('no MIP viewport');
    // Labelled as what it is, with its slab and orientation, and no slice counter ("129/256").
    const mipPane = page.locator('[data-cy="viewport-pane"]').first();
    const label = mipPane.locator('[title="Maximum intensity projection"]');
    await label.waitFor({ timeout: 30_000 });
    expect(await label.textContent()).toMatch(/^MIP · coronal · slab \d+ mm$/);
    expect(await mipPane.locator('[title="Instance Number"]').count()).toBe(0);
    expect(await mipPane.textContent()).not.toMatch(/\b\d+\/\d+\b/);
    // The phantom's bone and contrast spheres lie off the middle coronal plane: the middle coronal
    // slice shows water only, the projection through the whole volume shows them as white blobs.
    expect(mipStats.brightFraction).toBeGreaterThan(0.005);
    expect(mipStats.brightFraction).toBeGreaterThan(5 * coronalSlice.brightFraction);
  } catch (error) {
    await page.screenshot({ path: artifactPath('mpr-and-mip.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});


/** The MIP viewport's volume as OHIF's cornerstone holds it: frames loaded, and its redraw rule while streaming. */
async function mipVolume(page: Page): Promise<{ loaded: boolean; totalNumFrames: number; reRenderFraction: number } | undefined> {
  return page.evaluate(() => {
    type Volume = { loadStatus?: { loaded?: boolean }; totalNumFrames?: number; reRenderFraction?: number };
    const cornerstone = (window as unknown as { cornerstone?: { getEnabledElementByViewportId(id: string): { viewport?: { getAllVolumeIds?(): string[] } } | undefined; cache: { getVolume(id: string): Volume | undefined } } }).cornerstone;
    const [volumeId] = cornerstone?.getEnabledElementByViewportId('kheops-mip-coronal')?.viewport?.getAllVolumeIds?.() ?? [];
    const volume = volumeId ? cornerstone?.cache.getVolume(volumeId) : undefined;
    if (!volume || typeof volume.totalNumFrames !== 'number' || typeof volume.reRenderFraction !== 'number') return undefined;
    return { loaded: volume.loadStatus?.loaded === true, totalNumFrames: volume.totalNumFrames, reRenderFraction: volume.reRenderFraction };
  });
}

/** Redraws the MIP viewport now and resolves once cornerstone says it is drawn. */
async function redrawMip(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>(resolve => {
        const cornerstone = (window as unknown as { cornerstone: { Enums: { Events: { IMAGE_RENDERED: string } }; getEnabledElementByViewportId(id: string): { viewport: { element: HTMLElement; render(): void } } } }).cornerstone;
        const { viewport } = cornerstone.getEnabledElementByViewportId('kheops-mip-coronal');
        viewport.element.addEventListener(cornerstone.Enums.Events.IMAGE_RENDERED, () => resolve(), { once: true });
        viewport.render();
      }),
  );
}

test('a MIP chosen while its volume streams in is redrawn less often, and ends as the projection of the whole volume', async () => {
  const { series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    // Straight from the stack: no MPR has loaded the volume, so it streams into the MIP viewport.
    await chooseLayout(page, 'MIP');
    await waitForGrid(page, 1, series.seriesInstanceUID);
    const volume = await until('the MIP volume loaded', async () => {
      const now = await mipVolume(page);
      return now?.loaded ? now : undefined;
    }, 120_000);
    // The extension's pacing reached the app's cornerstone: its own rule redraws only at the last frame.
    expect(volume.reRenderFraction).toBeGreaterThanOrEqual(volume.totalNumFrames);
    const [drawn] = await waitForRenderedPanes(page, 1);
    const pane = page.locator('[data-cy="viewport-pane"]').first();
    const before = imageStats(await pane.screenshot());
    // What the page shows once loaded is already the whole volume's projection: a fresh redraw changes nothing.
    await redrawMip(page);
    const after = imageStats(await pane.screenshot());
    await page.screenshot({ path: artifactPath('mip-streamed-in.png') });
    expect(drawn?.brightFraction).toBeGreaterThan(0.005);
    expect(Math.abs(after.brightFraction - before.brightFraction)).toBeLessThan(0.0005);
    expect(Math.abs(after.mean - before.mean)).toBeLessThan(0.5);
  } catch (error) {
    await page.screenshot({ path: artifactPath('mip-streamed-in.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('measurement saved as SR reaches KHEOPS', async () => {
  const { study, series } = clickedCtSeries(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const reportName = `KHEOPS e2e report ${Date.now()}`;
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    await clearGatewayLog(stack);

    const drawnMm = await drawLength(page);
    await acceptTracking(page);
    const [measurement] = await until('the length measurement', async () => {
      const list = await measurements(page);
      return list.length === 1 && typeof list[0]?.length === 'number' ? list : undefined;
    });
    if (!measurement?.SOPInstanceUID || measurement.length === undefined) throw new Error('no measurement');
    expect(measurement.length).toBeCloseTo(drawnMm, 0);
    await page.screenshot({ path: artifactPath('measurement-drawn.png') });

    await saveReport(page, reportName);
    // The notice says where the report went.
    await page.getByText('Report saved to KHEOPS (local stand-in)').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: artifactPath('measurement-saved.png') });

    // The SR is in KHEOPS's store (Orthanc behind the gateway), with the length and the measured image.
    const newSeries = await until('a new SR series in Orthanc', async () => {
      const now = await srSeriesInOrthanc(stack, study.studyInstanceUID);
      const added = now.filter(uid => !srBefore.includes(uid));
      return added.length === 1 ? added[0] : undefined;
    });
    const sr = await fetchFirstInstance(stack, study.studyInstanceUID, newSeries);
    expect(sr.Modality).toBe('SR');
    expect(sr.SeriesDescription).toBe(reportName);
    const { findings, referencedSopInstanceUids } = readSr(sr);
    const lengths = findings.filter(finding => finding.name === 'Length');
    expect(lengths).toHaveLength(1);
    expect(lengths[0]?.unit).toBe('mm');
    expect(lengths[0]?.value).toBeCloseTo(drawnMm, 0);
    expect(referencedSopInstanceUids).toContain(measurement.SOPInstanceUID);

    // It went through the gateway as a STOW with alice's token, which carries write.
    const stows = (await gatewayLog(stack)).filter(entry => entry.method === 'POST');
    expect(stows.length).toBeGreaterThan(0);
    expect(stows.every(entry => entry.outcome === 'forwarded' && entry.tokenId !== 'none' && entry.sub === 'alice')).toBe(true);
    expect(stows[0]?.path).toMatch(/^\/api\/studies/);
    expect(stows[0]?.scope?.split(' ')).toContain('write');
  } catch (error) {
    await page.screenshot({ path: artifactPath('measurement-saved.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }

  // A new launch of the study lists the report in the study browser.
  const again = await openClinicianPage(browser);
  try {
    await openStudyAtFirstImage(again.page, stack, series.seriesInstanceUID);
    const thumbnail = again.page.getByText(reportName.slice(0, 20)).first();
    await thumbnail.waitFor({ timeout: 60_000 });
    // The header offers the latest saved report; one click draws its length on the measured image again.
    await again.page.locator('[data-kheops-auth-action="show-saved-report"]').click({ timeout: 90_000 });
    await again.page.locator('[data-cy="viewport-pane"]').first().getByText(/\d+(\.\d+)? mm/).first().waitFor({ timeout: 90_000 });
    await again.page.screenshot({ path: artifactPath('measurement-listed-after-relaunch.png') });
  } catch (error) {
    await again.page.screenshot({ path: artifactPath('measurement-relaunch.failure.png') }).catch(() => undefined);
    console.log(again.consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await again.context.close();
  }
});

async function setReadOnly(user: string, readOnly: boolean): Promise<void> {
  const response = await fetch(`${stack.standinUrl}/__test/read-only`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, readOnly }),
  });
  if (!response.ok) throw new Error(`POST /__test/read-only answered ${response.status}`);
}

test('read-only session cannot save', async () => {
  const { study, series } = clickedCtSeries(stack);
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  // bob's grants leave out write, as for a KHEOPS album member who may not add series.
  await setReadOnly('bob', true);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const reportName = `Read-only report ${Date.now()}`;
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID, { name: 'bob', password: 'bob' });
    await clearGatewayLog(stack);

    await drawTrackedLength(page);
    await saveReport(page, reportName);

    // The clinician is told why, instead of a bare failure.
    await page.getByText(/^This session can only read: KHEOPS.* did not grant write access, so reports cannot be saved\.$/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifactPath('read-only-cannot-save.png') });

    // Nothing was sent: no STOW reached the gateway, no SR is in the store, and no unsaved report
    // sits in the study browser as if it had been saved.
    const log = await gatewayLog(stack);
    expect(log.filter(entry => entry.method === 'POST')).toEqual([]);
    expect(log.filter(entry => entry.outcome !== 'preflight').every(entry => entry.sub === 'bob' && entry.scope === 'read')).toBe(true);
    expect(await srSeriesInOrthanc(stack, study.studyInstanceUID)).toEqual(srBefore);
    expect(await page.getByText(reportName.slice(0, 20)).count()).toBe(0);
    // The measurement stays on screen.
    expect(await measurements(page)).toHaveLength(1);
  } catch (error) {
    await page.screenshot({ path: artifactPath('read-only-cannot-save.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await setReadOnly('bob', false);
    await context.close();
  }
});

test('a launch naming a series not in the study opens the study and says so', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const absent = '2.25.999999999999999999999999999999999';
  try {
    // A KHEOPS link drawn before the series went away: the study page's launch link, with another series.
    await page.goto(`${stack.studyPageUrl}?user=alice`);
    const href = await page.locator(`a.series-thumbnail[data-series-uid="${series.seriesInstanceUID}"]`).getAttribute('href');
    if (!href) throw new Error('the thumbnail has no launch link');
    const launch = new URL(href, stack.studyPageUrl);
    const target = new URL(launch.searchParams.get('target_link_uri') ?? '');
    target.searchParams.set('initialSeriesInstanceUID', absent);
    launch.searchParams.set('target_link_uri', target.href);
    await page.goto(launch.href);
    await page.waitForSelector('#password', { timeout: 60_000 });
    await page.fill('#password', 'alice');
    await page.click('#login');
    await page.waitForURL(url => url.origin === stack.viewerOrigin && url.pathname === '/kheops', { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('initialSeriesInstanceUID')).toBe(absent);

    // The study opens (a series of it is drawn) and the clinician is told the clicked one is not there.
    await page.getByText(`The series you opened (${absent}) is not in this study`, { exact: false }).waitFor({ timeout: 90_000 });
    await waitForRenderedFirstViewport(page);
    const shown = await gridViewports(page);
    const studySeries = study.series.map(entry => entry.seriesInstanceUID);
    expect(shown.length).toBeGreaterThan(0);
    expect(studySeries).toContain(shown[0]?.seriesInstanceUID);
    await page.screenshot({ path: artifactPath('series-not-in-study.png') });
  } catch (error) {
    await page.screenshot({ path: artifactPath('series-not-in-study.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});
