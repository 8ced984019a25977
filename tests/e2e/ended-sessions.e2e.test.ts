// When the session is over, the viewer says so on every viewport instead of drawing the frames the
// server now refuses as grey holes; and a second launch into a tab at work loses nothing.
import type { Dialog } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { drawTrackedLength, measurements, until } from './support/measurements';
import { gatewayLog } from './support/gateway-log';
import { clickedCtSeries, openClinicianPage, openStudyAtFirstImage, waitForFirstViewportSeries } from './support/launch';
import { clickSignOut } from './support/session-indicator';
import { stackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

const FRAME_PATH = /\/series\/([0-9.]+)\/instances\/[0-9.]+\/frames\//;

/** The image ids cornerstone holds for the first viewport, read through OHIF's services. */
async function firstViewportImageIds(page: import('playwright-core').Page): Promise<string[]> {
  return page.evaluate(() => {
    const services = (window as unknown as { services?: Record<string, any> }).services;
    const state = services?.viewportGridService?.getState();
    const viewports: any[] = state?.viewports instanceof Map ? [...state.viewports.values()] : Object.values(state?.viewports ?? {});
    const viewportId = viewports[0]?.viewportId;
    const viewport = viewportId ? services?.cornerstoneViewportService?.getCornerstoneViewport(viewportId) : undefined;
    return (viewport?.getImageIds?.() as string[] | undefined) ?? [];
  });
}

test('after sign-out no image loads silently', async () => {
  const { study, series } = clickedCtSeries(stack);
  const other = study.series.find(candidate => candidate.seriesInstanceUID !== series.seriesInstanceUID);
  if (!other) throw new Error('the CT study has a single series');
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const framesAfterSignOut: string[] = [];
  let signedOut = false;
  page.on('request', request => {
    if (signedOut && FRAME_PATH.test(new URL(request.url()).pathname)) framesAfterSignOut.push(request.url());
  });
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    await page.locator('[data-kheops-auth-session="signed-in"]').waitFor({ timeout: 60_000 });
    const signOutAt = new Date().toISOString();

    await clickSignOut(page);
    await page.locator('[data-kheops-auth-session="signed-out"]').waitFor({ timeout: 30_000 });
    signedOut = true;
    // Every viewport says the session ended; the images shown are covered (a shared workstation).
    const panes = page.locator('[data-cy="viewport-pane"]');
    const covers = page.locator('[data-cy="viewport-pane"] [data-kheops-auth-ended-cover]');
    await covers.first().waitFor({ timeout: 30_000 });
    expect(await covers.count()).toBe(await panes.count());
    await expect(covers.first().textContent()).resolves.toContain('Your KHEOPS session has ended');

    // Another series opened after the sign-out: the viewport takes it, and still says the session ended.
    const thumbnailId = await page.evaluate(uid => {
      const services = (window as unknown as { services?: Record<string, any> }).services;
      return (services?.displaySetService?.getActiveDisplaySets() as Array<{ SeriesInstanceUID: string; displaySetInstanceUID: string }>).find(set => set.SeriesInstanceUID === uid)?.displaySetInstanceUID;
    }, other.seriesInstanceUID);
    expect(thumbnailId).toBeDefined();
    await page.locator(`[id="thumbnail-${thumbnailId}"]`).dblclick({ force: true });
    await waitForFirstViewportSeries(page, other.seriesInstanceUID);
    // Cornerstone has the series' frames to load: without the guard their requests would be sent now.
    await page.waitForFunction(
      uid => {
        const services = (window as unknown as { services?: Record<string, any> }).services;
        const state = services?.viewportGridService?.getState();
        const viewports: any[] = state?.viewports instanceof Map ? [...state.viewports.values()] : Object.values(state?.viewports ?? {});
        const viewport = viewports[0] ? services?.cornerstoneViewportService?.getCornerstoneViewport(viewports[0].viewportId) : undefined;
        return ((viewport?.getImageIds?.() as string[] | undefined) ?? []).some(id => id.includes(uid));
      },
      other.seriesInstanceUID,
      { timeout: 60_000 },
    );
    const firstCover = panes.first().locator('[data-kheops-auth-ended-cover]');
    await firstCover.waitFor({ timeout: 30_000 });
    // The cover is what the person sees at the viewport's centre, not a canvas drawn from refused frames.
    const box = await panes.first().boundingBox();
    if (!box) throw new Error('the first viewport has no box');
    const onTop = await page.evaluate(([x, y]) => Boolean(document.elementFromPoint(x!, y!)?.closest('[data-kheops-auth-ended-cover]')), [box.x + box.width / 2, box.y + box.height / 2]);
    expect(onTop).toBe(true);
    await page.screenshot({ path: artifactPath('ended-session-other-series.png') });

    // No frame was asked for without a token, so none came back 401 to be drawn.
    expect((await firstViewportImageIds(page)).some(id => id.includes(other.seriesInstanceUID))).toBe(true);
    expect(framesAfterSignOut).toEqual([]);
    const refused = (await gatewayLog(stack)).filter(entry => entry.time >= signOutAt && entry.status === 401 && FRAME_PATH.test(entry.path));
    expect(refused).toEqual([]);
    // And OHIF's image-error path no longer throws for every failed frame.
    expect(consoleLines.filter(line => line.includes('handler is not a function'))).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: artifactPath('ended-session.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test("cancel on another user's launch keeps the measurement", async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const dialogs: string[] = [];
  const onDialog = (dialog: Dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  };
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    const viewerPage = `${new URL(page.url()).pathname}${new URL(page.url()).search}`;
    // Drawn with the mouse: a user gesture, after which Chromium would show a beforeunload dialog if asked to.
    const drawn = await drawTrackedLength(page);
    page.on('dialog', onDialog);

    // KHEOPS opens bob's launch in alice's tab: the page is replaced at once, and the question comes
    // first, without the browser's "Leave site?".
    const target = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${study.studyInstanceUID}&initialSeriesInstanceUID=${series.seriesInstanceUID}`;
    await page.goto(`${stack.viewerOrigin}/kheops/login?${new URLSearchParams({ iss: stack.issuer, login_hint: 'bob', target_link_uri: target }).toString()}`, { timeout: 60_000 });
    const question = page.locator('[data-kheops-auth-status="confirm"]');
    await question.waitFor({ timeout: 60_000 });
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: artifactPath('cancel-keeps-work.question.png') });

    // Cancel: alice's page comes back with her measurement, drawn, still counted as unsaved work.
    await question.locator('[data-kheops-auth-action="cancel"]').click();
    await page.waitForURL(url => `${url.pathname}${url.search}` === viewerPage, { timeout: 60_000 });
    // Drawn first: OHIF's viewport grid service throws when asked before its React provider mounts.
    await waitForRenderedFirstViewport(page);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    const back = await until('the kept measurement', async () => {
      const now = await measurements(page);
      return now.length === 1 ? now : undefined;
    }, 90_000);
    expect(back[0]?.toolName).toBe('Length');
    expect(back[0]?.length).toBeCloseTo(drawn, 0);
    await until('the measurement drawn', async () => ((await page.locator('[data-cy="viewport-pane"] svg line, [data-cy="viewport-pane"] svg path').count()) > 0 ? true : undefined), 60_000);
    await page.screenshot({ path: artifactPath('cancel-keeps-work.back.png') });
    // Handed back once: the tab's storage no longer holds it.
    expect(await page.evaluate(() => window.sessionStorage.getItem('kheops-auth.kept-work'))).toBeNull();
    expect(dialogs).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: artifactPath('cancel-keeps-work.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    page.off('dialog', onDialog);
    await context.close();
  }
});
