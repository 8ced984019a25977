/**
 * Hostile input and token hygiene, against the real stack served with the shipped deployment headers
 * (platform-config/src/headers.ts):
 * - the viewer runs under its Content-Security-Policy: full launch, first viewport drawn, no violation;
 * - hostile third-party login URLs are refused on screen, with a reason code, before anything leaves
 *   the viewer's origin;
 * - tokens only ever travel in the Authorization header of DICOMweb requests.
 *
 * The login page may be OHIF's in-viewer route or the small static login page; both show the same
 * data attributes, which is all these tests look at.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page, Request, Response } from 'playwright-core';
import { inlineScriptHashes, viewerSecurityHeaders } from '../../platform-config/src/headers';
import { artifactPath, newViewerContext, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, waitForFirstViewportSeries } from './support/launch';
import { stackInfo, type StackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The headers a deployment of this stack must send, computed as the stack computes them. */
function expectedHeaders(): Record<string, string> {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).config.ohifApp as { version: string };
  const indexHtml = readFileSync(path.join(REPO_ROOT, '.cache', 'ohif-app', version, 'dist', 'index.html'), 'utf8');
  return viewerSecurityHeaders({
    viewerOrigin: stack.viewerOrigin,
    connectSrc: [stack.issuer, stack.dicomWebRoot],
    inlineScriptHashes: inlineScriptHashes(indexHtml),
  });
}

/**
 * Reports every CSP violation twice over: Chromium logs "Refused to … Content Security Policy …" to
 * the console, and the page's securitypolicyviolation event is relayed to the console with the same words.
 */
async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', event => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  page.on('console', message => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

describe('login route under CSP', () => {
  test('the viewer is served with the shipped headers, and a full launch runs under them with no CSP violation', async () => {
    const expected = expectedHeaders();
    // Nothing the app needs may be allowed by a blanket relaxation.
    const scriptSrc = expected['Content-Security-Policy']?.split('; ').find(directive => directive.startsWith('script-src ')) ?? '';
    expect(scriptSrc).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    expect(scriptSrc).toMatch(/'sha256-/);

    for (const route of ['/', '/kheops/login', '/kheops/callback', '/kheops/popup-callback', '/kheops', '/app-config.js', '/modules/extension-kheops-auth.mjs']) {
      const response = await fetch(`${stack.viewerOrigin}${route}`);
      expect(response.status).toBe(200);
      for (const [name, value] of Object.entries(expected)) {
        expect({ route, name, value: response.headers.get(name) }).toEqual({ route, name, value });
      }
    }

    const { study, series } = clickedCtSeries(stack);
    const context = await newViewerContext(browser);
    const page = await context.newPage();
    const violations = await watchCspViolations(page);
    const consoleLines: string[] = [];
    page.on('console', message => consoleLines.push(`${message.type()}: ${message.text()}`));
    try {
      const landed = await launchFromStudyPage(page, stack, series.seriesInstanceUID);
      expect(landed.searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
      await waitForFirstViewportSeries(page, series.seriesInstanceUID);
      const stats = await waitForRenderedFirstViewport(page);
      expect(stats.litFraction).toBeGreaterThan(0.05);
      await page.screenshot({ path: artifactPath('security-launch-under-csp.png') });
      expect(violations).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: artifactPath('security-launch-under-csp.failure.png') }).catch(() => undefined);
      console.log(consoleLines.slice(-40).join('\n'));
      throw error;
    } finally {
      await context.close();
    }
  });
});

/** A hostile launch: the query of the login URL (or a builder of it) and the reason code it must be refused with. */
type HostileLaunch = [name: string, query: (s: StackInfo) => string, code: string];

const enc = encodeURIComponent;
const issParam = (s: StackInfo) => `iss=${enc(s.issuer)}`;
/** A launch from the trusted issuer towards `target`, given as the decoded value of target_link_uri. */
const withTarget = (target: (s: StackInfo) => string) => (s: StackInfo) => `${issParam(s)}&login_hint=alice&target_link_uri=${enc(target(s))}`;
/** A launch towards a good target from the issuer `iss` (decoded value). */
const fromIssuer = (iss: (s: StackInfo) => string) => (s: StackInfo) => `iss=${enc(iss(s))}&target_link_uri=${enc(goodTarget(s))}`;
const goodTarget = (s: StackInfo) => `${s.viewerOrigin}/kheops?StudyInstanceUIDs=1.2.3`;
const viewerHostPort = (s: StackInfo) => new URL(s.viewerOrigin).host;
const viewerPort = (s: StackInfo) => new URL(s.viewerOrigin).port;

const HOSTILE_LAUNCHES: HostileLaunch[] = [
  // The issuer: must equal a trusted one character for character, and be given once.
  ['no iss at all', s => `login_hint=alice&target_link_uri=${enc(goodTarget(s))}`, 'missing_issuer'],
  ['an empty iss', s => `iss=&target_link_uri=${enc(goodTarget(s))}`, 'missing_issuer'],
  ['an unknown issuer', fromIssuer(() => 'https://evil.example/api'), 'unknown_issuer'],
  ['the issuer with a trailing slash', fromIssuer(s => `${s.issuer}/`), 'unknown_issuer'],
  ['the issuer in upper case', fromIssuer(s => s.issuer.toUpperCase()), 'unknown_issuer'],
  ['a prefix of the issuer', fromIssuer(s => new URL(s.issuer).origin), 'unknown_issuer'],
  ['the issuer with a suffix', fromIssuer(s => `${s.issuer}x`), 'unknown_issuer'],
  ['the issuer as a subdomain prefix', fromIssuer(s => s.issuer.replace('://', '://evil.')), 'unknown_issuer'],
  ['a unicode lookalike of the issuer (Cyrillic a)', fromIssuer(s => s.issuer.replace(/a(?=pi$)/, '\u0430')), 'unknown_issuer'],
  ['the issuer with a leading space', fromIssuer(s => ` ${s.issuer}`), 'unknown_issuer'],
  ['the issuer with a trailing newline', fromIssuer(s => `${s.issuer}\n`), 'unknown_issuer'],
  ['the issuer with a zero-width space', fromIssuer(s => `${s.issuer}\u200b`), 'unknown_issuer'],
  ['the issuer percent-encoded twice', s => `iss=${enc(enc(s.issuer))}&target_link_uri=${enc(goodTarget(s))}`, 'unknown_issuer'],
  ['the issuer with userinfo', fromIssuer(s => s.issuer.replace('://', '://evil@')), 'unknown_issuer'],
  ['the issuer on localhost instead of 127.0.0.1', fromIssuer(s => s.issuer.replace('127.0.0.1', 'localhost')), 'unknown_issuer'],
  ['the trusted issuer twice', s => `${issParam(s)}&${issParam(s)}&target_link_uri=${enc(goodTarget(s))}`, 'unknown_issuer'],
  ['a trusted and an evil issuer', s => `${issParam(s)}&iss=${enc('https://evil.example/api')}&target_link_uri=${enc(goodTarget(s))}`, 'unknown_issuer'],
  ['an evil and a trusted issuer', s => `iss=${enc('https://evil.example/api')}&${issParam(s)}&target_link_uri=${enc(goodTarget(s))}`, 'unknown_issuer'],

  // The target: an absolute http(s) URL on the viewer's own origin, under /kheops, and nothing else.
  ['a target on another origin', withTarget(() => 'https://evil.example/kheops'), 'foreign_target'],
  ['a target on another port of the viewer host', withTarget(s => s.viewerOrigin.replace(`:${viewerPort(s)}`, ':3799')), 'foreign_target'],
  ['a target with https on the viewer host', withTarget(s => `https://${viewerHostPort(s)}/kheops`), 'foreign_target'],
  ['a target on 127.0.0.1 instead of localhost', withTarget(s => `http://127.0.0.1:${viewerPort(s)}/kheops`), 'foreign_target'],
  ['a lookalike host', withTarget(s => `http://localhost.evil.example:${viewerPort(s)}/kheops`), 'foreign_target'],
  ['a unicode lookalike host (Cyrillic o)', withTarget(s => `http://l\u043ecalhost:${viewerPort(s)}/kheops`), 'foreign_target'],
  ['the viewer as userinfo before another host', withTarget(s => `http://${viewerHostPort(s)}@evil.example/kheops`), 'foreign_target'],
  ['credentials on the viewer host', withTarget(s => `http://user:pw@${viewerHostPort(s)}/kheops`), 'invalid_target'],
  ['a javascript: URL', withTarget(() => 'javascript:alert(document.domain)'), 'invalid_target'],
  ['a mixed-case javascript: URL', withTarget(() => 'JaVaScRiPt:alert(1)'), 'invalid_target'],
  ['a javascript: URL with a tab in the scheme', withTarget(() => 'java\tscript:alert(1)'), 'invalid_target'],
  ['a data: URL', withTarget(() => 'data:text/html,<script>alert(1)</script>'), 'invalid_target'],
  ['a vbscript: URL', withTarget(() => 'vbscript:msgbox(1)'), 'invalid_target'],
  ['a protocol-relative URL', withTarget(() => '//evil.example/kheops'), 'invalid_target'],
  ['a relative path', withTarget(() => '/kheops?StudyInstanceUIDs=1.2.3'), 'invalid_target'],
  ['a backslash before @', withTarget(s => `http://${viewerHostPort(s)}\\@evil.example/kheops`), 'invalid_target'],
  ['backslashes for slashes', withTarget(() => 'http:\\\\evil.example\\kheops'), 'invalid_target'],
  ['a slash-backslash start', withTarget(() => '/\\evil.example/kheops'), 'invalid_target'],
  ['a percent-encoded javascript: URL', withTarget(() => 'javascript%3Aalert(1)'), 'invalid_target'],
  ['a target percent-encoded twice', s => `${issParam(s)}&target_link_uri=${enc(enc(goodTarget(s)))}`, 'invalid_target'],
  ['a tab inside the path', withTarget(s => `${s.viewerOrigin}/khe\teops`), 'invalid_target'],
  ['a newline inside the path', withTarget(s => `${s.viewerOrigin}/kheops\n/../admin`), 'invalid_target'],
  ['a leading space', withTarget(s => ` ${goodTarget(s)}`), 'invalid_target'],
  ['an overlong target', withTarget(s => `${goodTarget(s)}&x=${'a'.repeat(5000)}`), 'invalid_target'],
  ['two targets', s => `${issParam(s)}&target_link_uri=${enc(goodTarget(s))}&target_link_uri=${enc('https://evil.example/')}`, 'invalid_target'],
  ['a path starting with //', withTarget(s => `${s.viewerOrigin}//evil.example/kheops`), 'invalid_target'],
  ['a double-encoded dot segment', withTarget(s => `${s.viewerOrigin}/kheops/%252e%252e/admin`), 'invalid_target'],
  ['an encoded slash', withTarget(s => `${s.viewerOrigin}/kheops%2f..%2fadmin`), 'invalid_target'],
  ['the viewer root', withTarget(s => `${s.viewerOrigin}/`), 'target_outside_viewer'],
  ['a path outside /kheops', withTarget(s => `${s.viewerOrigin}/admin`), 'target_outside_viewer'],
  ['/kheopsX', withTarget(s => `${s.viewerOrigin}/kheopsX`), 'target_outside_viewer'],
  ['dot segments out of /kheops', withTarget(s => `${s.viewerOrigin}/kheops/../admin`), 'target_outside_viewer'],
  ['encoded dot segments out of /kheops', withTarget(s => `${s.viewerOrigin}/kheops/%2e%2e/admin`), 'target_outside_viewer'],
];

/** Waits until the page shows a refusal (or a sign-in screen, which would be a failure) and returns its code. */
async function refusalCode(page: Page, timeoutMs = 60_000): Promise<string | null> {
  const code = page.locator('[data-kheops-auth-code]');
  await code.waitFor({ timeout: timeoutMs });
  expect(await page.locator('[data-kheops-auth-status="refused"]').count()).toBe(1);
  return code.getAttribute('data-kheops-auth-code');
}

describe('hostile launches are refused', () => {
  test('the table has enough cases to mean something', () => {
    expect(HOSTILE_LAUNCHES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_LAUNCHES.map(([name]) => name)).size).toBe(HOSTILE_LAUNCHES.length);
  });

  test(`${HOSTILE_LAUNCHES.length} hostile third-party login URLs end on a refusal with a reason, and nothing leaves the viewer's origin`, async () => {
    await clearGatewayLog(stack);
    // One context for the batch keeps it fast; each URL gets a fresh page and its own request log.
    const context = await newViewerContext(browser);
    const outcomes: Array<{ name: string; code: string | null; expected: string; foreignRequests: string[]; storedState: number }> = [];
    try {
      for (const [name, query, expected] of HOSTILE_LAUNCHES) {
        const page = await context.newPage();
        const foreignRequests: string[] = [];
        page.on('request', request => {
          if (new URL(request.url()).origin !== stack.viewerOrigin) foreignRequests.push(`${request.method()} ${request.url().slice(0, 200)}`);
        });
        try {
          await page.goto(`${stack.viewerOrigin}/kheops/login?${query(stack)}`);
          const code = await refusalCode(page);
          // A refused launch starts no sign-in: no state (and no PKCE verifier) was stored.
          const storedState = await page.evaluate(() => Object.keys(window.sessionStorage).filter(key => key.startsWith('kheops-auth.state.')).length);
          outcomes.push({ name, code, expected, foreignRequests, storedState });
        } catch (error) {
          await page.screenshot({ path: artifactPath(`hostile-launch.failure.png`) }).catch(() => undefined);
          throw new Error(`${name}: ${(error as Error).message} (at ${page.url().slice(0, 300)})`);
        } finally {
          await page.close();
        }
      }
    } finally {
      await context.close();
    }
    // One comparison for the whole table, so a failure lists every case that went wrong.
    expect(outcomes.filter(outcome => outcome.code !== outcome.expected || outcome.foreignRequests.length > 0 || outcome.storedState > 0)).toEqual([]);
    // Neither the DICOMweb gateway nor (by the request logs above) the provider saw anything: no token was issued or used.
    expect(await gatewayLog(stack)).toEqual([]);
  });
});

interface SeenRequest {
  url: string;
  method: string;
  authorization: string | undefined;
  referer: string | undefined;
  postData: string | null;
}

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
}

/** What the viewer tab holds: the tokens of its session (sessionStorage), and all of localStorage and its cookies. */
async function readViewerStorage(page: Page): Promise<{ tokens: string[]; local: string[]; cookie: string }> {
  return page.evaluate(() => {
    const tokens: string[] = [];
    for (const key of Object.keys(window.sessionStorage)) {
      if (!key.startsWith('kheops-auth.user.')) continue;
      const user = JSON.parse(window.sessionStorage.getItem(key) ?? '{}') as Record<string, unknown>;
      for (const name of ['access_token', 'refresh_token', 'id_token']) {
        if (typeof user[name] === 'string') tokens.push(user[name] as string);
      }
    }
    const local: string[] = [];
    for (const key of Object.keys(window.localStorage)) local.push(key, window.localStorage.getItem(key) ?? '');
    return { tokens, local, cookie: document.cookie };
  });
}

/**
 * Watches a whole browser context (pages, popups, workers: the image loaders' requests included) for
 * where tokens go: every request with its Authorization and Referer headers, every answer of the
 * provider's token endpoint (the tokens issued), every console message.
 */
function monitorTokens(context: BrowserContext) {
  const tokenEndpoint = `${stack.issuer}/token`;
  const pending: Array<Promise<SeenRequest>> = [];
  const answers: Array<Promise<TokenResponse>> = [];
  const consoleTexts: string[] = [];
  context.on('request', (request: Request) => {
    pending.push(
      request.allHeaders().then(headers => ({
        url: request.url(),
        method: request.method(),
        authorization: headers.authorization,
        referer: headers.referer,
        postData: request.postData(),
      })),
    );
  });
  context.on('response', (response: Response) => {
    if (response.url() !== tokenEndpoint || response.request().method() !== 'POST') return;
    answers.push(response.json().catch(() => ({})) as Promise<TokenResponse>);
  });
  context.on('page', page => page.on('console', (message: ConsoleMessage) => void consoleTexts.push(message.text())));

  const requests = () => Promise.all(pending);
  const issued = async () => {
    const all = await Promise.all(answers);
    return {
      accessTokens: all.flatMap(answer => (answer.access_token ? [answer.access_token] : [])),
      all: all.flatMap(answer => [answer.access_token, answer.refresh_token, answer.id_token].filter((token): token is string => typeof token === 'string')),
    };
  };

  return {
    /** Token endpoint calls so far (a code exchange, then one per refresh). */
    async tokenCalls(): Promise<SeenRequest[]> {
      return (await requests()).filter(request => request.method === 'POST' && request.url === tokenEndpoint);
    },
    issued,
    requests,
    /** Checks everything seen so far; `page` is the viewer page whose storage is read. */
    async verify(page: Page): Promise<void> {
      // A renewal may be answered while storage is read; poll (with a deadline) until the tab holds only issued tokens.
      let stored = await readViewerStorage(page);
      let tokens = await issued();
      const deadline = Date.now() + 10_000;
      while (!stored.tokens.every(token => tokens.all.includes(token)) && Date.now() < deadline) {
        await page.waitForTimeout(200);
        stored = await readViewerStorage(page);
        tokens = await issued();
      }
      const seen = await requests();

      // The session is in sessionStorage (access, refresh and ID token), as chosen, and came from the token endpoint.
      expect(stored.tokens).toHaveLength(3);
      expect(tokens.all).toEqual(expect.arrayContaining(stored.tokens));
      const bearerValues = seen.flatMap(request => (request.authorization?.startsWith('Bearer ') ? [request.authorization.slice(7)] : []));
      expect(bearerValues.length).toBeGreaterThan(0);
      const secrets = [...new Set([...tokens.all, ...stored.tokens, ...bearerValues])];
      // Long enough that a match is a leak, not a coincidence.
      expect(secrets.every(secret => secret.length > 20)).toBe(true);

      // Authorization only towards the trusted DICOMweb root's resources (the provider shares the /api
      // prefix here, so its endpoints are told apart by path), and only ever an access token.
      const dicomWeb = new RegExp(`^${stack.dicomWebRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(studies|series|instances|wado)([/?]|$)`);
      const authorized = seen.filter(request => request.authorization !== undefined);
      expect(authorized.filter(request => !dicomWeb.test(request.url)).map(request => `${request.method} ${request.url}`)).toEqual([]);
      expect(bearerValues.filter(value => !tokens.accessTokens.includes(value)).map(value => `${value.slice(0, 8)}…`)).toEqual([]);

      // The token endpoint: the viewer is a public client, so no Authorization and no client secret.
      const tokenCalls = seen.filter(request => request.method === 'POST' && request.url === tokenEndpoint);
      expect(tokenCalls.length).toBeGreaterThan(0);
      expect(tokenCalls.filter(request => request.authorization !== undefined || /client_secret/.test(request.postData ?? ''))).toEqual([]);

      // With Referrer-Policy: no-referrer, the viewer's URLs (callback code and state, study UIDs) are not sent to other origins.
      const leakingReferer = seen.filter(request => request.referer?.startsWith(stack.viewerOrigin) && new URL(request.url).origin !== stack.viewerOrigin);
      expect(leakingReferer.map(request => `${request.method} ${request.url} <- ${request.referer}`)).toEqual([]);

      const leaks: string[] = [];
      for (const secret of secrets) {
        const label = `${secret.slice(0, 8)}…`;
        for (const request of seen) if (request.url.includes(secret)) leaks.push(`${label} in URL ${request.method} ${request.url.slice(0, 120)}`);
        for (const request of seen) if (request.referer?.includes(secret)) leaks.push(`${label} in a Referer`);
        if (stored.local.some(entry => entry.includes(secret))) leaks.push(`${label} in localStorage`);
        if (stored.cookie.includes(secret)) leaks.push(`${label} in document.cookie`);
        if (consoleTexts.some(text => text.includes(secret))) leaks.push(`${label} in a console message`);
      }
      expect(leaks).toEqual([]);
    },
  };
}

/** Sets the stand-in's access-token lifetime for tokens issued from now on (none: just read it); returns the value in force. */
async function accessTokenTtl(seconds?: number): Promise<number> {
  const response = await fetch(`${stack.standinUrl}/__test/ttl`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seconds === undefined ? {} : { accessTokenTtl: seconds }),
  });
  if (!response.ok) throw new Error(`POST /__test/ttl answered ${response.status}`);
  return ((await response.json()) as { accessTokenTtl: number }).accessTokenTtl;
}

describe('tokens never leak', () => {
  test('through a launch and a study load, tokens travel only in the Authorization header of DICOMweb requests', async () => {
    const { series } = clickedCtSeries(stack);
    const context = await newViewerContext(browser);
    const monitor = monitorTokens(context);
    const page = await context.newPage();
    try {
      await launchFromStudyPage(page, stack, series.seriesInstanceUID);
      await waitForFirstViewportSeries(page, series.seriesInstanceUID);
      await waitForRenderedFirstViewport(page);
      await monitor.verify(page);
    } catch (error) {
      await page.screenshot({ path: artifactPath('tokens-never-leak.failure.png') }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  test('through a token refresh and a reload, the refresh token goes only in the token request body and new tokens stay out of URLs', async () => {
    const { series } = clickedCtSeries(stack);
    const usualTtl = await accessTokenTtl();
    // Short access tokens (renewed at half their lifetime), so that a refresh happens within the test.
    await accessTokenTtl(12);
    const context = await newViewerContext(browser);
    const monitor = monitorTokens(context);
    const page = await context.newPage();
    try {
      await launchFromStudyPage(page, stack, series.seriesInstanceUID);
      // Tokens issued from now on live long again, so the tab settles after the next renewal.
      await accessTokenTtl(usualTtl);
      await waitForFirstViewportSeries(page, series.seriesInstanceUID);
      const deadline = Date.now() + 60_000;
      const refreshes = async () =>
        (await monitor.tokenCalls()).filter(call => new URLSearchParams(call.postData ?? '').get('grant_type') === 'refresh_token');
      while ((await refreshes()).length === 0 && Date.now() < deadline) {
        await page.waitForTimeout(250);
      }
      const [refresh] = await refreshes();
      expect(refresh).toBeDefined();
      // The refresh token travels in the POST body of the token request, nowhere else.
      expect(new URLSearchParams(refresh?.postData ?? '').get('refresh_token')).toEqual(expect.any(String));

      // A reload picks the renewed session up from sessionStorage and loads the study with a renewed access token.
      const seenBeforeReload = (await monitor.requests()).length;
      await page.reload();
      // Drawn first: OHIF's viewport grid service throws when asked before its React provider mounts.
      await waitForRenderedFirstViewport(page);
      await waitForFirstViewportSeries(page, series.seriesInstanceUID);
      const renewed = (await monitor.issued()).accessTokens.slice(1);
      const afterReload = (await monitor.requests()).slice(seenBeforeReload);
      expect(afterReload.some(request => renewed.some(token => request.authorization === `Bearer ${token}`))).toBe(true);
      await monitor.verify(page);
    } catch (error) {
      await page.screenshot({ path: artifactPath('tokens-never-leak-refresh.failure.png') }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
      await accessTokenTtl(usualTtl);
    }
  });
});
