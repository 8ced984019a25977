// A launch that arrives in a tab already at work: it asks first when it is for another person than
// the one signed in there, and the viewer's unsaved measurements survive it (kept in the tab).
import type { Dialog, Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, openClinicianPage, openStudyAtFirstImage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, measurements, until } from './support/measurements';
import { stackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

/** The person this tab's session belongs to, as the session stored it (oidc-client-ts's user record). */
async function tabUser(page: Page): Promise<{ sub?: string; name?: string; accessToken?: string } | undefined> {
  return page.evaluate(() => {
    const key = Object.keys(window.sessionStorage).find(candidate => candidate.startsWith('kheops-auth.user.user:'));
    if (!key) return undefined;
    const user = JSON.parse(window.sessionStorage.getItem(key) ?? '{}') as { access_token?: string; profile?: { sub?: string; name?: string } };
    return { sub: user.profile?.sub, name: user.profile?.name, accessToken: user.access_token };
  });
}

async function signInStates(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(window.sessionStorage).filter(key => key.startsWith('kheops-auth.state.')));
}

/** What KHEOPS does when someone clicks a series thumbnail on its study page: a launch into this tab. */
async function clickThumbnailAs(page: Page, user: string, seriesInstanceUID: string): Promise<void> {
  await page.goto(`${stack.studyPageUrl}?user=${user}`);
  await page.locator(`a.series-thumbnail[data-series-uid="${seriesInstanceUID}"]`).click();
}

test('a launch for a different user asks first', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const provider = new URL(stack.issuer).origin;
  try {
    const landed = await launchFromStudyPage(page, stack, series.seriesInstanceUID);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    const alice = await tabUser(page);
    expect(alice?.sub).toBe('alice');

    // Bob's launch arrives in alice's tab: the login page asks, and nothing has gone to the provider.
    await clickThumbnailAs(page, 'bob', series.seriesInstanceUID);
    const question = page.locator('[data-kheops-auth-status="confirm"]');
    await question.waitFor({ timeout: 30_000 });
    expect(await question.locator('[data-kheops-auth-message]').textContent()).toBe('You are signed in as Alice Martin. KHEOPS (local stand-in) asks to open a study as bob.');
    expect(await question.locator('[data-kheops-auth-action="continue"]').textContent()).toBe('Continue as bob');
    expect(new URL(page.url()).pathname).toBe('/kheops/login');
    expect(await signInStates(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('launch-question-other-user.png') });

    // Cancel: back on the viewer page the tab came from, still alice, and the study loads with her session.
    await clearGatewayLog(stack);
    const toProvider: string[] = [];
    page.on('request', request => {
      if (new URL(request.url()).origin === provider && !new URL(request.url()).pathname.startsWith('/api/studies')) toProvider.push(request.url());
    });
    await question.locator('[data-kheops-auth-action="cancel"]').click();
    await page.waitForURL(url => url.pathname === '/kheops', { timeout: 30_000 });
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(`${landed.pathname}${landed.search}`);
    // Drawn first: OHIF's viewport grid service throws when asked before its React provider mounts.
    await waitForRenderedFirstViewport(page);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    expect((await tabUser(page))?.sub).toBe('alice');
    const log = (await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter(entry => entry.sub !== 'alice' || entry.outcome !== 'forwarded')).toEqual([]);
    expect(log.some(entry => entry.path.includes(study.studyInstanceUID))).toBe(true);
    expect(toProvider.filter(url => new URL(url).pathname.includes('/auth'))).toEqual([]);

    // The same launch again, and Continue: the provider asks bob to sign in (it was never asked before).
    await clickThumbnailAs(page, 'bob', series.seriesInstanceUID);
    await question.waitFor({ timeout: 30_000 });
    await question.locator('[data-kheops-auth-action="continue"]').click();
    await page.waitForSelector('#password', { timeout: 60_000 });
    expect(new URL(page.url()).origin).toBe(provider);
    expect(await page.inputValue('#username')).toBe('bob');
  } catch (error) {
    await page.screenshot({ path: artifactPath('launch-question-other-user.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a second launch while work is unsaved keeps it', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const dialogs: string[] = [];
  const onDialog = (dialog: Dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  };
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    // Drawn with the mouse: a user gesture, after which Chromium would show a beforeunload dialog if asked to.
    await drawTrackedLength(page);

    // KHEOPS opens another launch in this tab (the same person, so no question): no "Leave site?",
    // the page is replaced, and the measurement comes back on the launched page of the same study.
    const target = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${study.studyInstanceUID}&initialSeriesInstanceUID=${series.seriesInstanceUID}`;
    const launch = `${stack.viewerOrigin}/kheops/login?${new URLSearchParams({ iss: stack.issuer, login_hint: 'alice', target_link_uri: target }).toString()}`;
    page.on('dialog', onDialog);
    await page.goto(launch, { timeout: 60_000 });
    await page.waitForURL(url => url.pathname === '/kheops', { timeout: 60_000 });
    await waitForRenderedFirstViewport(page);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    await until('the kept measurement', async () => ((await measurements(page)).length === 1 ? true : undefined), 90_000);
    expect(dialogs).toEqual([]);
    expect(await tabUser(page)).toMatchObject({ sub: 'alice' });
    await page.screenshot({ path: artifactPath('launch-question-unsaved-work.png') });

    // Handed back once: the tab's storage no longer holds it.
    expect(await page.evaluate(() => window.sessionStorage.getItem('kheops-auth.kept-work'))).toBeNull();
  } catch (error) {
    await page.screenshot({ path: artifactPath('launch-question-unsaved-work.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    page.off('dialog', onDialog);
    await context.close();
  }
});
