/**
 * The viewer against Glewlwyd (Debian's package), an OpenID provider this project did not write:
 * its own login and consent pages, nonce required, lower-case `bearer`, rotating refresh tokens
 * whose reuse is answered with an empty 400, no ID token on refresh, no `preferred_username`, and
 * revocation that a public client may make only with a Bearer credential. The stand-in's DICOMweb
 * gateway accepts Glewlwyd's access tokens (tests/kheops-standin/src/external-issuers.ts).
 */
import type { Page, Response } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { glewlwydOf, launchWithGlewlwyd, refreshAtGlewlwyd, setGlewlwydTokenLifetime, sharedRefreshToken } from './support/glewlwyd';
import { clickedCtSeries, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, measurements, until } from './support/measurements';
import { signOutEveryTab } from './support/shared-sessions';
import { stackInfo } from './support/stack-info';
import { firstViewportSeries, searchThroughOhif, waitForRenderedFirstViewport } from './support/viewer';
import { scroll } from './support/viewer-activity';

const stack = stackInfo();
const browser = useBrowser();
const glewlwyd = glewlwydOf(stack);
/** Seconds: short, so that a test sees several renewals; the viewer renews at half of it. */
const ACCESS_TOKEN_TTL = 15;

beforeAll(async () => {
  await setGlewlwydTokenLifetime(stack, ACCESS_TOKEN_TTL);
});

afterAll(async () => {
  await setGlewlwydTokenLifetime(stack, 300);
});

async function openAtClickedSeries(page: Page): Promise<URL> {
  const { study, series } = clickedCtSeries(stack);
  const landed = await launchWithGlewlwyd(page, stack, { studyInstanceUID: study.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID });
  await waitForFirstViewportSeries(page, series.seriesInstanceUID);
  await waitForRenderedFirstViewport(page);
  return landed;
}

/** Glewlwyd's answers to the viewer's refresh grants, as the browser saw them. */
function watchRefreshAnswers(page: Page): Array<{ status: number; body: string }> {
  const answers: Array<{ status: number; body: string }> = [];
  page.on('response', (response: Response) => {
    if (response.url() !== glewlwyd.tokenEndpoint || response.request().method() !== 'POST') return;
    if (!response.request().postData()?.includes('grant_type=refresh_token')) return;
    response.text().then(
      body => answers.push({ status: response.status(), body: response.ok() ? '(tokens)' : body }),
      () => answers.push({ status: response.status(), body: '(unread)' }),
    );
  });
  return answers;
}

test('launch and renewal against Glewlwyd', async () => {
  const { study, series } = clickedCtSeries(stack);
  await clearGatewayLog(stack);
  const { page, context, consoleLines } = await openClinicianPage(browser);
  const refreshes = watchRefreshAnswers(page);
  try {
    const landed = await openAtClickedSeries(page);
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    expect(landed.searchParams.get('initialSeriesInstanceUID')).toBe(series.seriesInstanceUID);
    expect(landed.searchParams.has('code') || landed.searchParams.has('state') || landed.searchParams.has('iss')).toBe(false);
    expect(await firstViewportSeries(page)).toEqual({ seriesInstanceUID: series.seriesInstanceUID, description: series.description });
    // Glewlwyd sends no preferred_username and an opaque sub: the badge shows the name claim.
    await expect(page.locator('[data-kheops-auth-user]').textContent()).resolves.toBe('Alice Martin');
    await expect(page.locator('[data-kheops-auth-session="signed-in"]').textContent()).resolves.toContain('Glewlwyd');
    await page.screenshot({ path: artifactPath('glewlwyd-launch.png') });

    // Scrolling and searching until three access-token lifetimes have passed, with a renewal in each.
    const started = Date.now();
    await until(
      'three access-token lifetimes of work',
      async () => {
        await scroll(page, 6);
        expect(await searchThroughOhif(page)).toBeGreaterThan(0);
        return Date.now() - started > 3 * ACCESS_TOKEN_TTL * 1000 ? true : undefined;
      },
      6 * ACCESS_TOKEN_TTL * 1000,
    );

    const requests = (await gatewayLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.filter(entry => entry.status === 401)).toEqual([]);
    expect(requests.filter(entry => entry.outcome !== 'forwarded')).toEqual([]);
    // Glewlwyd's tokens (their scope names email, which the stand-in never grants), mapped to alice.
    expect(requests.every(entry => entry.sub === 'alice' && entry.scope?.split(' ').includes('email'))).toBe(true);
    expect(new Set(requests.map(entry => entry.tokenId)).size).toBeGreaterThanOrEqual(4);
    // Each renewal was a rotation Glewlwyd accepted (its answers carry lower-case bearer and no ID token).
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.every(answer => answer.status === 200)).toBe(true);
  } catch (error) {
    await page.screenshot({ path: artifactPath('glewlwyd-renewal.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a refused refresh ends the session against Glewlwyd', async () => {
  const { page, context, consoleLines } = await openClinicianPage(browser);
  const refreshes = watchRefreshAnswers(page);
  try {
    await openAtClickedSeries(page);
    await drawTrackedLength(page);
    await page.evaluate(() => ((window as unknown as { kheopsTestMarker: string }).kheopsTestMarker = 'same page'));

    // Someone else presents the viewer's refresh token first (a stolen copy). Glewlwyd rotates it, so
    // the viewer's next renewal is a reuse: Glewlwyd answers 400 with no body and disables the chain.
    const viewersToken = await sharedRefreshToken(page, glewlwyd.issuer);
    if (!viewersToken) throw new Error('the viewer holds no Glewlwyd refresh token');
    const stolen = await refreshAtGlewlwyd(stack, viewersToken);

    // The viewer's renewal is refused: the session has ended (not "at risk", no endless retries).
    await page.locator('[data-kheops-auth-session="signed-in"]', { hasText: 'session ended' }).waitFor({ timeout: 4 * ACCESS_TOKEN_TTL * 1000 });
    expect(refreshes.some(answer => answer.status === 400 && answer.body === '')).toBe(true);
    expect(await page.getByText('session at risk').count()).toBe(0);
    // Once the last access token has expired, the next request refused for it waits, and the viewer
    // asks alice to sign in again. Searches go out one after the other until then.
    const prompt = page.locator('[data-kheops-auth-reauthenticate]');
    let searching = false;
    await until(
      'the sign-in prompt',
      async () => {
        if (!searching) {
          searching = true;
          searchThroughOhif(page).then(() => (searching = false), () => undefined);
        }
        return (await prompt.isVisible()) ? true : undefined;
      },
      2 * ACCESS_TOKEN_TTL * 1000 + 30_000,
    );
    await expect(prompt.textContent()).resolves.toContain('Sign in again');
    await page.screenshot({ path: artifactPath('glewlwyd-refused-refresh.png') });
    expect(refreshes.filter(answer => answer.status === 400)).toHaveLength(1);
    // Nothing was lost: the same document, on the same page, with its measurement.
    expect(await page.evaluate(() => (window as unknown as { kheopsTestMarker?: string }).kheopsTestMarker)).toBe('same page');
    expect(new URL(page.url()).pathname).toBe('/kheops');
    expect(await measurements(page)).toHaveLength(1);
    // Reuse detection: the thief's newer token died with the chain.
    if (stolen.refreshToken) expect((await refreshAtGlewlwyd(stack, stolen.refreshToken)).status).toBe(400);
  } catch (error) {
    await page.screenshot({ path: artifactPath('glewlwyd-refused-refresh.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('sign-out against Glewlwyd', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { page, context, consoleLines } = await openClinicianPage(browser);
  const refreshTokens = new Set<string>();
  context.on('response', response => {
    if (response.url() !== glewlwyd.tokenEndpoint || response.request().method() !== 'POST') return;
    response.json().then((body: { refresh_token?: string }) => body.refresh_token && refreshTokens.add(body.refresh_token)).catch(() => undefined);
  });
  try {
    await openAtClickedSeries(page);
    const second = await context.newPage();
    await launchWithGlewlwyd(second, stack, { studyInstanceUID: study.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID });
    for (const tab of [page, second]) await tab.locator('[data-kheops-auth-session="signed-in"]').waitFor({ timeout: 60_000 });
    const shared = await sharedRefreshToken(page, glewlwyd.issuer);
    if (shared) refreshTokens.add(shared);
    expect(refreshTokens.size).toBeGreaterThan(0);

    await signOutEveryTab([page, second]);
    await expect(sharedRefreshToken(page, glewlwyd.issuer)).resolves.toBeUndefined();
    // Glewlwyd took the revocation (with the Bearer credential its discovery offers): no complaint on screen.
    await expect(page.locator('[data-kheops-auth-detail]').textContent()).resolves.not.toContain('did not end the session');
    await page.screenshot({ path: artifactPath('glewlwyd-signed-out.png') });

    // At Glewlwyd: every refresh token the viewer held is dead. The other tab revokes the tokens of
    // its own sign-in when it hears of the sign-out, after it says so on screen: wait for that too.
    for (const refreshToken of refreshTokens) {
      await until('the refresh token refused at Glewlwyd', async () => ((await refreshAtGlewlwyd(stack, refreshToken)).status === 400 ? true : undefined), 30_000);
    }
  } catch (error) {
    await page.screenshot({ path: artifactPath('glewlwyd-sign-out.failure.png') }).catch(() => undefined);
    console.log(consoleLines.filter(line => line.includes('kheops-auth')).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});
