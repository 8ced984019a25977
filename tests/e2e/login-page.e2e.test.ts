import type { Request } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clickedCtSeries, launchFromStudyPage, openClinicianPage, waitForFirstViewportSeries } from './support/launch';
import { stackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

const onViewer = (request: Request, pathPattern: RegExp) => {
  const url = new URL(request.url());
  return url.origin === stack.viewerOrigin && pathPattern.test(url.pathname);
};

test('small login page launches without booting OHIF', async () => {
  const { study, series } = clickedCtSeries(stack);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const requests: Request[] = [];
  // The document each request was made from, read when it is made (the frame moves on afterwards).
  const requestedFrom = new Map<Request, string>();
  page.on('request', request => {
    requests.push(request);
    requestedFrom.set(request, new URL(request.frame().url()).pathname);
  });
  const loginDocuments: string[] = [];
  page.on('response', async response => {
    if (response.request().isNavigationRequest() && onViewer(response.request(), /^\/kheops\/login$/)) {
      loginDocuments.push(await response.text().catch(() => ''));
    }
  });

  try {
    // Click on the study page -> small login page -> provider (sign-in form) -> OHIF's callback -> study.
    const landed = await launchFromStudyPage(page, stack, series.seriesInstanceUID);
    expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    expect(landed.searchParams.get('initialSeriesInstanceUID')).toBe(series.seriesInstanceUID);
    await waitForFirstViewportSeries(page, series.seriesInstanceUID);
    const stats = await waitForRenderedFirstViewport(page);
    expect(stats.litFraction).toBeGreaterThan(0.05);

    // The login path was answered by the small page, which loaded its own module and not the app.
    expect(loginDocuments).toHaveLength(1);
    expect(loginDocuments[0]).toContain('/modules/kheops-login.mjs');
    expect(loginDocuments[0]).not.toMatch(/app\.bundle/);
    expect(requests.filter(request => onViewer(request, /^\/modules\/kheops-login\.mjs$/))).toHaveLength(1);
    // OHIF booted once in the whole launch: on the callback, never for the login.
    const appBundles = requests.filter(request => onViewer(request, /^\/app\.bundle\.[^/]*\.js$/));
    expect(appBundles.map(request => requestedFrom.get(request))).toEqual(['/kheops/callback']);
  } catch (error) {
    await page.screenshot({ path: artifactPath('small-login-page.failure.png') }).catch(() => undefined);
    console.log(consoleLines.slice(-40).join('\n'));
    throw error;
  } finally {
    await context.close();
  }
});

test('a launch posted as a form (OIDC Core §4) reaches the provider through the small page', async () => {
  const { series, study } = clickedCtSeries(stack);
  const { context, page } = await openClinicianPage(browser);
  try {
    const target = `${stack.viewerOrigin}/kheops?StudyInstanceUIDs=${study.studyInstanceUID}&initialSeriesInstanceUID=${series.seriesInstanceUID}`;
    const fields = { iss: stack.issuer, login_hint: 'bob', target_link_uri: target };
    // A page of no origin posts the launch, as a platform's auto-submitted form would.
    await page.setContent(
      `<form method="post" action="${stack.viewerOrigin}/kheops/login">${Object.keys(fields)
        .map(name => `<input type="hidden" name="${name}">`)
        .join('')}</form>`,
    );
    for (const [name, value] of Object.entries(fields)) {
      await page.locator(`input[name="${name}"]`).evaluate((input, v) => ((input as HTMLInputElement).value = v), value);
    }
    const posted = page.waitForResponse(response => response.request().method() === 'POST' && onViewer(response.request(), /^\/kheops\/login$/));
    await page.locator('form').evaluate(form => (form as HTMLFormElement).submit());
    expect((await posted).status()).toBe(303);
    await page.waitForSelector('#password', { timeout: 60_000 });
    expect(new URL(page.url()).origin).toBe(new URL(stack.issuer).origin);
    expect(await page.inputValue('#username')).toBe('bob');
  } finally {
    await context.close();
  }
});
