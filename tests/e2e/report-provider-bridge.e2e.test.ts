// The report-provider bridge (issue 16) against the released-KHEOPS stand-in performing the code form:
// KHEOPS's /api/report page sends the browser to the bridge with a code, the bridge redeems it (private_key_jwt)
// and keeps the token in a sealed cookie, the viewer (on the bridge's origin) reads DICOMweb through it.
// Two bridge replicas run behind the viewer host, which sends requests to them in turn.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { artifactPath, useBrowser } from './support/browser';
import { clickedCtSeries, openClinicianPage } from './support/launch';
import { drawTrackedLength, saveReport, until } from './support/measurements';
import { badge, kheopsControl, released, releasedLog, signInToKheops } from './support/released';
import { fetchFirstInstance, readSr, srSeriesInOrthanc } from './support/sr';
import { stackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';

const stack = stackInfo();
const browser = useBrowser();

function bridge() {
  const running = released(stack).bridge;
  if (!running) throw new Error('the stack runs no report-provider bridge (tests/stack/bridge-stack.ts)');
  return running;
}

async function kheopsGet(path: string): Promise<unknown> {
  const response = await fetch(`${released(stack).kheopsUrl}/__test/${path}`);
  if (!response.ok) throw new Error(`GET /__test/${path} answered ${response.status}`);
  return response.json();
}

interface ReplicaLine {
  replica: string;
  event: string;
  sid?: string;
  method?: string;
  status?: number;
  reason?: string;
}

function replicaLines(): ReplicaLine[] {
  return Object.values(bridge().replicaLogs).flatMap(file =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as ReplicaLine),
  );
}

function replicaLogText(): string {
  return Object.values(bridge().replicaLogs)
    .map(file => readFileSync(file, 'utf8'))
    .join('\n');
}

/** Signs in to KHEOPS, clicks the study's report button for the bridge, and waits for the study in the viewer. */
async function launchThroughBridge(page: Page, studyInstanceUID: string): Promise<{ launchUrl: string }> {
  let launchUrl = '';
  page.on('request', request => {
    if (request.url().startsWith(`${bridge().viewerOrigin}/kheops-bridge/launch?`)) launchUrl = request.url();
  });
  await signInToKheops(page, stack);
  await page.locator(`article[data-study-uid="${studyInstanceUID}"] form.open-code-report-provider button`).click();
  await page.waitForURL(url => url.origin === bridge().viewerOrigin && url.pathname === '/kheops', { timeout: 90_000 });
  await page.locator('[data-kheops-auth-user]').waitFor({ timeout: 90_000 });
  await waitForRenderedFirstViewport(page);
  expect(launchUrl).not.toBe('');
  return { launchUrl };
}

test('report-provider code launch opens the clicked study with no token in any URL', async () => {
  const { study } = clickedCtSeries(stack);
  await kheopsControl(stack, 'log/clear');
  const tokensBefore = (await kheopsGet('code-tokens')) as string[];
  const srBefore = await srSeriesInOrthanc(stack, study.studyInstanceUID);
  const { context, page, consoleLines } = await openClinicianPage(browser);
  const seen: string[] = [];
  context.on('request', request => {
    seen.push(request.url());
    const referer = request.headers().referer;
    if (referer) seen.push(`referer ${referer}`);
  });
  page.on('framenavigated', frame => seen.push(`navigated ${frame.url()}`));
  try {
    const { launchUrl } = await launchThroughBridge(page, study.studyInstanceUID);
    const code = new URL(launchUrl).searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThan(20);
    expect(new URL(page.url()).searchParams.get('StudyInstanceUIDs')).toBe(study.studyInstanceUID);
    const who = await badge(page);
    expect(who.user).toContain('alice');
    // Not renewable: the badge tells the time the token has left, from its real end.
    expect(who.detail).toMatch(/left|min/);
    const drawnMm = await drawTrackedLength(page);
    await saveReport(page, `Bridge report ${Date.now()}`);
    const added = await until(
      'the new SR series in Orthanc',
      async () => {
        const fresh = (await srSeriesInOrthanc(stack, study.studyInstanceUID)).filter(uid => !srBefore.includes(uid));
        return fresh.length === 1 ? fresh[0] : undefined;
      },
      90_000,
    );
    const { findings } = readSr(await fetchFirstInstance(stack, study.studyInstanceUID, added));
    expect(findings.filter(finding => finding.name === 'Length').map(finding => Math.round(finding.value))).toEqual([Math.round(drawnMm)]);
    await page.screenshot({ path: artifactPath('report-provider-bridge.png') });

    const tokens = ((await kheopsGet('code-tokens')) as string[]).filter(token => !tokensBefore.includes(token));
    expect(tokens).toHaveLength(1);
    const token = tokens[0] as string;
    // KHEOPS saw the token on DICOMweb requests, the STOW among them, all from the bridge.
    const requests = (await releasedLog(stack)).filter(entry => entry.outcome !== 'preflight');
    expect(requests.some(entry => entry.method === 'POST' && entry.path.startsWith('/api/studies') && entry.status === 200)).toBe(true);
    expect(requests.filter(entry => entry.status === 401)).toEqual([]);
    // Nowhere in the browser: no URL, Referer, or console line; nor in KHEOPS's request log or the bridge's logs.
    for (const line of [...seen, ...consoleLines, JSON.stringify(requests), replicaLogText()]) expect(line).not.toContain(token);
    // The code only ever in the one URL KHEOPS made (the bridge's redirect_uri), never in a viewer URL or a Referer.
    expect(seen.filter(line => line.includes(code)).every(line => line.startsWith(`${bridge().viewerOrigin}/kheops-bridge/launch?`) || line.startsWith('navigated '))).toBe(true);
    expect(seen.filter(line => line.startsWith('referer ') && line.includes(code))).toEqual([]);
    expect(seen.filter(line => line.startsWith('navigated ') && line.includes(code) && !line.includes('/kheops-bridge/launch?'))).toEqual([]);
    expect(replicaLogText()).not.toContain(code);
    // The cookie is HttpOnly and SameSite=Strict, so the page's script cannot read it.
    const cookies = await context.cookies(`${bridge().viewerOrigin}/kheops-bridge/session`);
    expect(cookies.filter(cookie => cookie.name === 'kheops-bridge').map(cookie => [cookie.httpOnly, cookie.sameSite])).toEqual([[true, 'Strict']]);
    expect(await page.evaluate(() => document.cookie)).not.toContain('kheops-bridge');
    expect(await page.evaluate(() => JSON.stringify({ ...window.sessionStorage }) + JSON.stringify({ ...window.localStorage }))).not.toContain(token);
  } finally {
    await context.close();
  }
});

test('the bridge refuses a foreign conf_uri and a replayed code', async () => {
  const { study } = clickedCtSeries(stack);
  // A would-be KHEOPS elsewhere: the bridge must not send it a single request.
  let foreignRequests = 0;
  const foreign = createServer((_req, res) => {
    foreignRequests += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>(resolve => foreign.listen(0, '127.0.0.1', () => resolve()));
  const foreignRoot = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  const { context, page } = await openClinicianPage(browser);
  const attacker = await browser.newContext();
  try {
    const forged = new URLSearchParams({
      code: 'eyJhbGciOiJIUzI1NiJ9.e30.forged-code-of-a-foreign-kheops',
      conf_uri: `${foreignRoot}/api/.well-known/report-provider-configuration`,
      client_id: 'ohif-bridge',
      studyUID: study.studyInstanceUID,
    });
    const refused = await page.goto(`${bridge().viewerOrigin}/kheops-bridge/launch?${forged.toString()}`);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('#bridge-problem').textContent()).toContain('not configured for');
    expect(foreignRequests).toBe(0);
    expect((await context.cookies(`${bridge().viewerOrigin}/kheops-bridge/session`)).filter(cookie => cookie.name === 'kheops-bridge')).toEqual([]);

    // A real launch, then its URL (with KHEOPS's code, still valid at KHEOPS for ten minutes) opened again elsewhere.
    const { launchUrl } = await launchThroughBridge(page, study.studyInstanceUID);
    const replayPage = await attacker.newPage();
    const replayed = await replayPage.goto(launchUrl);
    expect(replayed?.status()).toBe(409);
    expect(await replayPage.locator('#bridge-problem').textContent()).toContain('already used');
    expect((await attacker.cookies(`${bridge().viewerOrigin}/kheops-bridge/session`)).filter(cookie => cookie.name === 'kheops-bridge')).toEqual([]);
    // KHEOPS itself was asked for that code once: the bridge refused the replay before any request.
    const codeHash = sha256(new URL(launchUrl).searchParams.get('code') ?? '');
    const redemptions = ((await kheopsGet('code-redemptions')) as Array<{ codeHash: string; outcome: string }>).filter(r => r.codeHash === codeHash);
    expect(redemptions.map(r => r.outcome)).toEqual(['ok']);
    expect(replicaLines().filter(line => line.event === 'launch-refused').map(line => line.reason)).toEqual(expect.arrayContaining(['conf-uri-foreign', 'code-replayed']));
    // The attacker's browser, without the cookie, gets nothing through the bridge either (from a page of the viewer's origin).
    await replayPage.goto(`${bridge().viewerOrigin}/app-config.js`);
    const stolen = await replayPage.evaluate(async root => (await fetch(`${root}/kheops-bridge/dicomweb/studies`, { headers: { Authorization: 'KheopsBridge' } })).status, bridge().viewerOrigin);
    expect(stolen).toBe(401);
  } finally {
    await attacker.close();
    await context.close();
    await new Promise(resolve => foreign.close(resolve));
  }
});

test('two bridge replicas serve one launch', async () => {
  const { study } = clickedCtSeries(stack);
  const { context, page } = await openClinicianPage(browser);
  try {
    const before = replicaLines().length;
    await launchThroughBridge(page, study.studyInstanceUID);
    const lines = replicaLines().slice(before);
    const launches = replicaLines().filter(line => line.event === 'launch').slice(-1);
    const launch = launches[0];
    expect(launch?.sid).toBeDefined();
    const served = replicaLines().filter(line => line.sid === launch?.sid && (line.event === 'dicomweb' || line.event === 'session'));
    const others = served.filter(line => line.replica !== launch?.replica);
    // The redirect was handled by one process; the viewer's requests of that session by the other as well.
    expect(new Set(Object.keys(bridge().replicaLogs))).toEqual(new Set(['bridge-a', 'bridge-b']));
    expect(others.filter(line => line.event === 'dicomweb' && line.status === 200).length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
