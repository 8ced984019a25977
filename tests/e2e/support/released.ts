import type { BrowserContext, Page } from 'playwright-core';
import type { RequestLogEntry } from '../../kheops-standin/src/request-log';
import type { StackInfo } from './stack-info';

/** The released-KHEOPS part of the stack (tests/stack/released-stack.ts); the e2e stack always runs it. */
export function released(stack: StackInfo): NonNullable<StackInfo['released']> {
  if (!stack.released) throw new Error('the stack runs no released KHEOPS (tests/stack/main.ts starts it in test mode)');
  return stack.released;
}

async function call(url: string, body: unknown, form = false): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>) : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Released KHEOPS's test controls: `restart` (every viewer token dies), `ttl` ({ reportTokenTtl }), `log/clear`. */
export function kheopsControl(stack: StackInfo, path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  return call(`${released(stack).kheopsUrl}/__test/${path}`, body);
}

/** The realm's test controls (the Keycloak profile of the stand-in): `ttl` ({ accessTokenTtl }), `user-token`. */
export function realmControl(stack: StackInfo, path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  return call(`${released(stack).realmUrl}/__test/${path}`, body);
}

export async function releasedLog(stack: StackInfo): Promise<RequestLogEntry[]> {
  const response = await fetch(`${released(stack).kheopsUrl}/__test/log`);
  if (!response.ok) throw new Error(`GET /__test/log answered ${response.status}`);
  return (await response.json()) as RequestLogEntry[];
}

/** Whether KHEOPS still takes a report-provider token (its open introspection). */
export async function reportTokenActive(stack: StackInfo, token: string): Promise<boolean> {
  return (await call(`${released(stack).dicomWebRoot}/token/introspect`, { token }, true)).active === true;
}

/** Signs in to released KHEOPS's UI at its realm (the login form), which leaves an SSO session in this context. */
export async function signInToKheops(page: Page, stack: StackInfo, user = { name: 'alice', password: 'alice' }): Promise<void> {
  await page.goto(released(stack).studyPageUrl);
  await page.locator('#sign-in').click();
  await page.waitForSelector('#password', { timeout: 60_000 });
  await page.fill('#username', user.name);
  await page.fill('#password', user.password);
  await page.click('#login');
  await page.locator(`#current-user[data-user="${user.name}"]`).waitFor({ timeout: 60_000 });
}

/** Every page of the realm the context's pages showed (a login form would be among them). */
export function realmPagesShown(context: BrowserContext, stack: StackInfo): string[] {
  const shown: string[] = [];
  const realmOrigin = new URL(released(stack).realmIssuer).origin;
  const watch = (page: Page) =>
    page.on('framenavigated', frame => {
      if (frame === page.mainFrame() && frame.url().startsWith(realmOrigin)) shown.push(new URL(frame.url()).pathname);
    });
  context.pages().forEach(watch);
  context.on('page', watch);
  return shown;
}

/** Clicks a study's or series' viewer button in KHEOPS's UI and returns the named tab it opens, at the study. */
export async function openFromKheops(page: Page, stack: StackInfo, studyInstanceUID: string, seriesInstanceUID?: string): Promise<Page> {
  const button = seriesInstanceUID
    ? page.locator(`button.series-thumbnail[data-series-uid="${seriesInstanceUID}"]`)
    : page.locator(`article[data-study-uid="${studyInstanceUID}"] button.open-study`);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
  await inViewer(tab, stack);
  return tab;
}

/**
 * Waits until the tab shows the study in the viewer with its session settled: the badge appears on
 * OHIF's mode enter, after the upgrade's round trip (the tab passes /kheops once before it leaves for
 * the realm, so the URL alone does not say the viewer is there).
 */
export async function inViewer(tab: Page, stack: StackInfo): Promise<void> {
  await tab.waitForURL(url => url.origin === released(stack).viewerOrigin && url.pathname === '/kheops', { timeout: 90_000 });
  await tab.locator('[data-kheops-auth-user]').waitFor({ timeout: 90_000 });
}

/** A viewer link made as KHEOPS's UI makes it (token exchange of the user's realm token), without the UI. */
export async function viewerLinkFor(stack: StackInfo, user: string, studyInstanceUID: string): Promise<string> {
  const userToken = String((await realmControl(stack, 'user-token', { user })).access_token);
  const answer = await call(
    `${released(stack).dicomWebRoot}/token`,
    {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: 'kheops-ui',
      subject_token: userToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'viewer read write',
      studyUID: studyInstanceUID,
    },
    true,
  );
  const url = `${released(stack).dicomWebRoot}/link/${String(answer.access_token)}/ohifservermetadata`;
  return `${released(stack).viewerOrigin}/?${new URLSearchParams({ url, studyInstanceUIDs: studyInstanceUID }).toString()}`;
}

/** Opens `link` the way KHEOPS's UI does, in a tab named OHIFViewer-<study>, from a page on KHEOPS's origin. */
export async function openInKheopsNamedTab(page: Page, stack: StackInfo, link: string, studyInstanceUID: string): Promise<Page> {
  await page.goto(`${released(stack).kheopsUrl}/health`);
  const [tab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.evaluate(([href, name]) => {
      const opened = window.open('', name);
      if (opened) opened.location.href = href;
    }, [link, `OHIFViewer-${studyInstanceUID}`] as const),
  ]);
  await inViewer(tab, stack);
  return tab;
}

/** The badge's lines: who, what (renewed, unknown end), and why a launch stayed as it came. */
export async function badge(page: Page): Promise<{ user: string; detail: string; why: string }> {
  await page.locator('[data-kheops-auth-user]').waitFor({ timeout: 60_000 });
  return {
    user: (await page.locator('[data-kheops-auth-user]').textContent()) ?? '',
    detail: (await page.locator('[data-kheops-auth-detail]').textContent()) ?? '',
    why: (await page.locator('[data-kheops-auth-why]').textContent()) ?? '',
  };
}
