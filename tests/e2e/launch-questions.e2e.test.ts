// A launch that arrives in a tab already at work asks before it replaces anything: when it is for
// another person than the one signed in there, and when the viewer holds unsaved measurements.
import type { Dialog, Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, openClinicianPage, openStudyAtFirstImage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, measurements, saveReport, until } from './support/measurements';
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

test('a second launch while work is unsaved asks first', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const dialogs: string[] = [];
  // Dismissing a beforeunload dialog is "Stay on page"; the browser then keeps the page as it was.
  const onDialog = (dialog: Dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  };
  try {
    await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
    const viewerUrl = page.url();
    // Drawn with the mouse: a user gesture, without which Chromium shows no beforeunload dialog at all.
    await drawTrackedLength(page);

    // KHEOPS opens another launch in this tab (the same person, so no other question comes first).
    const target = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${study.studyInstanceUID}&initialSeriesInstanceUID=${series.seriesInstanceUID}`;
    const launch = `${stack.viewerOrigin}/kheops/login?${new URLSearchParams({ iss: stack.issuer, login_hint: 'alice', target_link_uri: target }).toString()}`;
    page.on('dialog', onDialog);
    const attempt = page.goto(launch, { timeout: 20_000 }).then(
      () => 'navigated',
      () => 'stayed',
    );
    await until('the beforeunload dialog', async () => (dialogs.includes('beforeunload') ? true : undefined), 20_000);
    await attempt;
    expect(dialogs).toEqual(['beforeunload']);
    // Stayed: the same page, the measurement still there and still drawn.
    expect(page.url()).toBe(viewerUrl);
    expect(await measurements(page)).toHaveLength(1);
    expect(await page.locator('[data-cy="viewport-pane"] svg line, [data-cy="viewport-pane"] svg path').count()).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath('launch-question-unsaved-work.png') });

    // Once the report is saved, the same launch replaces the page without a question.
    await saveReport(page, `Before another launch ${Date.now()}`);
    await page.getByText('Measurements saved successfully').waitFor({ timeout: 60_000 });
    dialogs.length = 0;
    const replaced = await page.goto(launch, { timeout: 60_000 });
    expect(new URL(replaced?.url() ?? '').pathname).toBe('/kheops/login');
    expect(dialogs).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: artifactPath('launch-question-unsaved-work.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    page.off('dialog', onDialog);
    await context.close();
  }
});
