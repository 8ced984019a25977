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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page, Request, Response } from 'playwright-core';
import { inlineScriptHashes, viewerSecurityHeaders } from '../../platform-config/src/headers';
import { artifactPath, newViewerContext, useBrowser } from './support/browser';
import { clearGatewayLog, gatewayLog } from './support/gateway-log';
import { clickedCtSeries, launchFromStudyPage, openStudyAtFirstImage, waitForFirstViewportSeries } from './support/launch';
import { drawTrackedLength, saveReport, until } from './support/measurements';
import { stackInfo, type StackInfo } from './support/stack-info';
import { waitForRenderedFirstViewport } from './support/viewer';
import { clickSignOut } from './support/session-indicator';

const stack = stackInfo();
const browser = useBrowser();

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The headers a deployment of this stack must send, computed as the stack computes them. */
function expectedHeaders(): Record<string, string> {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).config.ohifApp as { version: string };
  const indexHtml = readFileSync(path.join(REPO_ROOT, '.cache', 'ohif-app', version, 'dist', 'index.html'), 'utf8');
  return viewerSecurityHeaders({
    viewerOrigin: stack.viewerOrigin,
    // The stack's other providers (Glewlwyd, the Keycloak-backed KHEOPS with its gateway) are sign-in origins too.
    connectSrc: [stack.issuer, stack.dicomWebRoot, ...(stack.glewlwyd ? [stack.glewlwyd.url] : []), ...(stack.keycloak ? [stack.keycloak.url] : [])],
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
  // OHIF's mode route takes `token` from the query as the bearer token of every request: a target
  // carrying one would, after the sign-in, make the viewer work (and save reports) as someone else.
  ["a target carrying OHIF's token parameter", withTarget(s => `${goodTarget(s)}&token=${FAKE_TOKEN}`), 'invalid_target'],
  ["a target carrying OHIF's token parameter in upper case", withTarget(s => `${goodTarget(s)}&TOKEN=${FAKE_TOKEN}`), 'invalid_target'],
];

// --- Launches of released KHEOPS, with a token in the URL (extension-kheops-auth/src/launch/legacy-launch.ts).
// Same shape as the table above; the builder gives the whole launch after the viewer's origin.

/** Token-shaped, so that every refusal below is about what it is testing and not the token's form. */
const FAKE_TOKEN = 'hostileFakeToken0123456789abcdefghijklmnopqrstuvwxyz';
/** Markup that would set a flag if it were ever parsed as HTML. */
const HTML = '<img src=x onerror="window.__kheopsInjected=1"><script>window.__kheopsInjected=1</script>';
const STUDY = '1.2.840.10008.99.1';
const SERIES = '1.2.840.10008.99.1.2';

const apiRoot = (s: StackInfo) => s.dicomWebRoot;
const standinPort = (s: StackInfo) => new URL(s.dicomWebRoot).port;
/** KHEOPS's viewer-link `url` under `root`: `<root>/link/<token>/ohifservermetadata`. */
const linkUrl = (root: string, token = FAKE_TOKEN) => `${root}/link/${token}/ohifservermetadata`;
/** A viewer-token link into the mode route, as KHEOPS opens it, with `url` given decoded. */
const viewerLink =
  (url: (s: StackInfo) => string, extra = `&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=${SERIES}`) =>
  (s: StackInfo) =>
    `/kheops?url=${enc(url(s))}${extra}`;
/** A viewer-token link whose `url` is good and whose other parameters are `extra`. */
const goodLinkWith = (extra: string) => viewerLink(s => linkUrl(apiRoot(s)), extra);

type FragmentParams = Record<string, string | string[]>;
/** What KHEOPS's POST /api/report puts in the fragment of the report provider's redirect_uri. */
const reportParams = (s: StackInfo): FragmentParams => ({
  access_token: FAKE_TOKEN,
  token_type: 'bearer',
  expires_in: '3600',
  scope: 'read write',
  client_id: 'ohif-report-provider',
  conf_uri: `${apiRoot(s)}/.well-known/report-provider-configuration`,
  return_uri: `${s.standinUrl}/`,
  studyUID: STUDY,
});
function fragmentOf(params: FragmentParams): string {
  const fragment = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of [value].flat()) fragment.append(key, item);
  return fragment.toString();
}
/** A report-provider launch with some parameters replaced (an empty list drops one). */
const reportLaunch = (override: (s: StackInfo) => FragmentParams) => (s: StackInfo) => `/kheops/report#${fragmentOf({ ...reportParams(s), ...override(s) })}`;
const withConfUri = (confUri: (s: StackInfo) => string | string[]) => reportLaunch(s => ({ conf_uri: confUri(s) }));

const HOSTILE_VIEWER_LINKS: HostileLaunch[] = [
  // `url` must be the trusted KHEOPS's <API>/link/<token>/ohifservermetadata, compared on origin and path segments.
  ['url on another origin', viewerLink(() => linkUrl('https://evil.example/api')), 'untrusted_root'],
  ['url on a lookalike host', viewerLink(s => linkUrl(`http://127.0.0.1.evil.example:${standinPort(s)}/api`)), 'untrusted_root'],
  ['url on localhost instead of 127.0.0.1', viewerLink(s => linkUrl(apiRoot(s).replace('127.0.0.1', 'localhost'))), 'untrusted_root'],
  ['url on another port of the KHEOPS host', viewerLink(s => linkUrl(apiRoot(s).replace(`:${standinPort(s)}`, ':8999'))), 'untrusted_root'],
  ['url over https instead of http', viewerLink(s => linkUrl(apiRoot(s).replace('http:', 'https:'))), 'untrusted_root'],
  ['url under a lookalike path (/api-evil)', viewerLink(s => linkUrl(`${apiRoot(s)}-evil`)), 'untrusted_root'],
  ['url beside the API root', viewerLink(s => linkUrl(new URL(apiRoot(s)).origin)), 'untrusted_root'],
  ['url climbing out of the root with dot segments', viewerLink(s => `${apiRoot(s)}/link/${FAKE_TOKEN}/../../../evil/link/${FAKE_TOKEN}/ohifservermetadata`), 'untrusted_root'],
  ['url with the KHEOPS host as userinfo before another host', viewerLink(s => linkUrl(`http://127.0.0.1:${standinPort(s)}@evil.example/api`)), 'invalid_link'],
  ['url with credentials on the KHEOPS host', viewerLink(s => linkUrl(apiRoot(s).replace('://', '://user:pw@'))), 'invalid_link'],
  ['url with a backslash before @', viewerLink(s => linkUrl(`http://127.0.0.1:${standinPort(s)}\\@evil.example/api`)), 'invalid_link'],
  ['url as javascript:', viewerLink(() => 'javascript:alert(document.domain)'), 'invalid_link'],
  ['url as a relative path', viewerLink(s => linkUrl(new URL(apiRoot(s)).pathname)), 'invalid_link'],
  ['url protocol-relative', viewerLink(s => linkUrl(`//127.0.0.1:${standinPort(s)}/api`)), 'invalid_link'],
  ['an empty url', viewerLink(() => ''), 'invalid_link'],
  ['two url parameters (trusted, then evil)', s => `${viewerLink(s2 => linkUrl(apiRoot(s2)))(s)}&url=${enc(linkUrl('https://evil.example/api'))}`, 'invalid_link'],
  ['a path not ending in ohifservermetadata', viewerLink(s => `${apiRoot(s)}/link/${FAKE_TOKEN}/studies`), 'invalid_link'],
  ['a path naming DICOMweb itself', viewerLink(s => `${apiRoot(s)}/studies/${STUDY}`), 'invalid_link'],
  ['ohifservermetadata with a trailing slash', viewerLink(s => `${linkUrl(apiRoot(s))}/`), 'invalid_link'],
  ['url with a query', viewerLink(s => `${linkUrl(apiRoot(s))}?redirect=https://evil.example/`), 'invalid_link'],
  ['url with a fragment', viewerLink(s => `${linkUrl(apiRoot(s))}#x`), 'invalid_link'],
  ['a token with slashes', viewerLink(s => `${apiRoot(s)}/link/${FAKE_TOKEN.slice(0, 20)}/${FAKE_TOKEN.slice(20)}/ohifservermetadata`), 'invalid_link'],
  ['a token with an encoded slash', viewerLink(s => linkUrl(apiRoot(s), `${FAKE_TOKEN.slice(0, 20)}%2F${FAKE_TOKEN.slice(20)}`)), 'invalid_token'],
  ['encoded dot segments as the token', viewerLink(s => linkUrl(apiRoot(s), '..%2F..%2F..%2F..%2F..%2Fstudies')), 'invalid_token'],
  ['a token of dots only', viewerLink(s => linkUrl(apiRoot(s), '.'.repeat(24))), 'invalid_token'],
  ['a token too short to be one', viewerLink(s => linkUrl(apiRoot(s), 'abc')), 'invalid_token'],
  ['HTML as the token', viewerLink(s => linkUrl(apiRoot(s), enc(HTML))), 'invalid_token'],
  ["OHIF's token parameter beside the link", goodLinkWith(`&studyInstanceUIDs=${STUDY}&token=${FAKE_TOKEN}`), 'invalid_link'],
  ["OHIF's token parameter alone, in another case", () => `/kheops?StudyInstanceUIDs=${STUDY}&Token=${FAKE_TOKEN}`, 'invalid_link'],
  ['no study', goodLinkWith(''), 'invalid_uid'],
  ['a study that is not a UID', goodLinkWith('&studyInstanceUIDs=1.2.abc'), 'invalid_uid'],
  ['HTML as the study', goodLinkWith(`&studyInstanceUIDs=${enc(HTML)}`), 'invalid_uid'],
  ['HTML as the series', goodLinkWith(`&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=${enc(HTML)}`), 'invalid_uid'],
  ['two series', goodLinkWith(`&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=${SERIES},${SERIES}.1`), 'invalid_uid'],
  ['a study UID over 64 characters', goodLinkWith(`&studyInstanceUIDs=1.${'2'.repeat(70)}`), 'invalid_uid'],
  ['more studies than any launch needs', goodLinkWith(`&studyInstanceUIDs=${Array.from({ length: 40 }, (_, i) => `${STUDY}.${i}`).join(',')}`), 'invalid_uid'],
  // The refusal quotes the origin of an untrusted url: a quote in the host must stay text.
  ['markup in the host of an untrusted url', viewerLink(() => linkUrl(`http://evil'"onmouseover=window.__kheopsInjected=1.example/api`)), 'untrusted_root'],
  ['a link into another viewer path', () => `/viewer?url=${enc(linkUrl('https://evil.example/api'))}&studyInstanceUIDs=${STUDY}`, 'untrusted_root'],
];

const HOSTILE_REPORT_PROVIDER_LAUNCHES: HostileLaunch[] = [
  // conf_uri must be <API>/.well-known/report-provider-configuration on the trusted KHEOPS: it is fetched.
  ['conf_uri on another origin', withConfUri(() => 'https://evil.example/api/.well-known/report-provider-configuration'), 'untrusted_root'],
  ['conf_uri on a lookalike host', withConfUri(s => `http://127.0.0.1.evil.example:${standinPort(s)}/api/.well-known/report-provider-configuration`), 'untrusted_root'],
  ['conf_uri on another port', withConfUri(s => `${apiRoot(s).replace(`:${standinPort(s)}`, ':8999')}/.well-known/report-provider-configuration`), 'untrusted_root'],
  ['conf_uri over https instead of http', withConfUri(s => `${apiRoot(s).replace('http:', 'https:')}/.well-known/report-provider-configuration`), 'untrusted_root'],
  ['conf_uri under a lookalike path', withConfUri(s => `${apiRoot(s)}-evil/.well-known/report-provider-configuration`), 'untrusted_root'],
  ['conf_uri with the KHEOPS host as userinfo', withConfUri(s => `http://127.0.0.1:${standinPort(s)}@evil.example/api/.well-known/report-provider-configuration`), 'invalid_link'],
  ['conf_uri at another document of the root', withConfUri(s => `${apiRoot(s)}/.well-known/openid-configuration`), 'invalid_link'],
  ['conf_uri with a query', withConfUri(s => `${apiRoot(s)}/.well-known/report-provider-configuration?next=https://evil.example/`), 'invalid_link'],
  ['conf_uri as javascript:', withConfUri(() => 'javascript:alert(document.domain)'), 'invalid_link'],
  ['conf_uri as data:', withConfUri(() => 'data:application/json,{"dicomweb_endpoint":"https://evil.example/api"}'), 'invalid_link'],
  ['two conf_uris (trusted, then evil)', withConfUri(s => [`${apiRoot(s)}/.well-known/report-provider-configuration`, 'https://evil.example/api/.well-known/report-provider-configuration']), 'invalid_link'],
  ['no conf_uri', withConfUri(() => []), 'invalid_link'],
  // The token and what it is said to be.
  ['token_type mac', reportLaunch(() => ({ token_type: 'mac' })), 'invalid_token'],
  ['no token_type', reportLaunch(() => ({ token_type: [] })), 'invalid_token'],
  ['two token_types (bearer, then mac)', reportLaunch(() => ({ token_type: ['bearer', 'mac'] })), 'invalid_link'],
  ['no expires_in for an opaque token', reportLaunch(() => ({ expires_in: [] })), 'invalid_token'],
  ['expires_in zero', reportLaunch(() => ({ expires_in: '0' })), 'invalid_token'],
  ['a negative expires_in', reportLaunch(() => ({ expires_in: '-3600' })), 'invalid_token'],
  ['expires_in of ten years', reportLaunch(() => ({ expires_in: String(10 * 365 * 24 * 3600) })), 'invalid_token'],
  ['expires_in in exponent notation', reportLaunch(() => ({ expires_in: '1e3' })), 'invalid_token'],
  ['no access_token', reportLaunch(() => ({ access_token: [] })), 'invalid_token'],
  ['an access_token too short to be one', reportLaunch(() => ({ access_token: 'abc' })), 'invalid_token'],
  ['HTML as the access_token', reportLaunch(() => ({ access_token: HTML })), 'invalid_token'],
  ['two access_tokens', reportLaunch(() => ({ access_token: [FAKE_TOKEN, `${FAKE_TOKEN}2`] })), 'invalid_token'],
  ['the access_token in the query instead of the fragment', s => `/kheops/report?${fragmentOf(reportParams(s))}`, 'invalid_link'],
  ["OHIF's token parameter beside the fragment", s => `/kheops/report?token=${FAKE_TOKEN}#${fragmentOf(reportParams(s))}`, 'invalid_link'],
  // The studies.
  ['a studyUID that is not a UID', reportLaunch(() => ({ studyUID: '1.2.x' })), 'invalid_uid'],
  ['HTML as the studyUID', reportLaunch(() => ({ studyUID: HTML })), 'invalid_uid'],
  ['no studyUID', reportLaunch(() => ({ studyUID: [] })), 'invalid_uid'],
];

/** The three launch kinds, each with its table; `url` turns a table entry's builder into the URL to open. */
const HOSTILE_KINDS: Array<{ kind: string; table: HostileLaunch[]; url: (s: StackInfo, launch: string) => string }> = [
  { kind: 'third-party login URLs', table: HOSTILE_LAUNCHES, url: (s, query) => `${s.viewerOrigin}/kheops/login?${query}` },
  { kind: 'viewer-token links', table: HOSTILE_VIEWER_LINKS, url: (s, path) => `${s.viewerOrigin}${path}` },
  { kind: 'report-provider launches', table: HOSTILE_REPORT_PROVIDER_LAUNCHES, url: (s, path) => `${s.viewerOrigin}${path}` },
];

/** Waits until the page shows a refusal (or a sign-in screen, which would be a failure) and returns its code. */
async function refusalCode(page: Page, timeoutMs = 60_000): Promise<string | null> {
  const code = page.locator('[data-kheops-auth-code]');
  await code.waitFor({ timeout: timeoutMs });
  expect(await page.locator('[data-kheops-auth-status="refused"]').count()).toBe(1);
  return code.getAttribute('data-kheops-auth-code');
}

/** Every form in which a launch's token could turn up in a URL, a header or the console. */
function secretForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), secret.slice(0, 24)];
}

interface HostileOutcome {
  name: string;
  code: string | null;
  expected: string;
  /** Requests for anything not on the viewer's origin. */
  foreignRequests: string[];
  /** After the launch document itself: requests whose URL or Referer carried the token, console lines that did, and the address bar if it does. */
  tokenSightings: string[];
  /** Sign-in states or legacy tokens stored: a refused launch keeps nothing. */
  stored: string[];
  /** Whether markup from the launch ran or was inserted as elements. */
  injected: boolean;
}

async function runHostileLaunch(context: BrowserContext, name: string, url: string, expected: string): Promise<HostileOutcome> {
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const tokenSightings: string[] = [];
  const consoleLines: string[] = [];
  let documentRequests = 0;
  page.on('request', request => {
    const requestUrl = request.url();
    if (new URL(requestUrl).origin !== stack.viewerOrigin) foreignRequests.push(`${request.method()} ${requestUrl.slice(0, 200)}`);
    // The launch URL itself holds the token (that is what these launches are); nothing after it may.
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && documentRequests++ === 0) return;
    const referer = request.headers().referer ?? '';
    if (secretForms(FAKE_TOKEN).some(form => requestUrl.includes(form) || referer.includes(form))) tokenSightings.push(`request ${requestUrl.slice(0, 120)}`);
  });
  page.on('console', message => {
    consoleLines.push(`${message.type()}: ${message.text().slice(0, 300)}`);
    if (secretForms(FAKE_TOKEN).some(form => message.text().includes(form))) tokenSightings.push(`console: ${message.text().slice(0, 120)}`);
  });
  try {
    await page.goto(url);
    const code = await refusalCode(page);
    const state = await page.evaluate(() => ({
      href: window.location.href,
      stored: Object.keys(window.sessionStorage).filter(key => key.startsWith('kheops-auth.state.') || key === 'kheops-auth.static-token'),
      injected: (window as unknown as { __kheopsInjected?: unknown }).__kheopsInjected !== undefined || document.querySelector('[data-kheops-auth-status] img, [data-kheops-auth-status] script') !== null,
    }));
    if (secretForms(FAKE_TOKEN).some(form => state.href.includes(form))) tokenSightings.push(`address bar ${state.href.slice(0, 120)}`);
    return { name, code, expected, foreignRequests, tokenSightings, stored: state.stored, injected: state.injected };
  } catch (error) {
    await page.screenshot({ path: artifactPath('hostile-launch.failure.png') }).catch(() => undefined);
    throw new Error(`${name}: ${(error as Error).message} (at ${page.url().slice(0, 300)})\n${consoleLines.slice(-15).join('\n')}`);
  } finally {
    await page.close();
  }
}

describe('hostile launches are refused', () => {
  test('the tables have enough cases to mean something, across the three launch kinds', () => {
    const all = HOSTILE_KINDS.flatMap(({ table }) => table);
    expect(all.length).toBeGreaterThanOrEqual(40);
    for (const { table } of HOSTILE_KINDS) {
      expect(table.length).toBeGreaterThanOrEqual(20);
      expect(new Set(table.map(([name]) => name)).size).toBe(table.length);
    }
  });

  test.each(HOSTILE_KINDS.map(({ kind, table, url }) => [table.length, kind, table, url] as const))(
    "%i hostile %s end on a refusal with a reason, nothing leaves the viewer's origin, and no token is kept or shown",
    async (_count, _kind, table, url) => {
      await clearGatewayLog(stack);
      // One context for the batch keeps it fast; each URL gets a fresh page and its own request log.
      const context = await newViewerContext(browser);
      const outcomes: HostileOutcome[] = [];
      try {
        // Two pages at a time: the legacy launches boot the whole viewer to be refused, mostly parsing JavaScript.
        const queue = [...table];
        const worker = async (): Promise<void> => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            const [name, launch, expected] = next;
            outcomes.push(await runHostileLaunch(context, name, url(stack, launch(stack)), expected));
          }
        };
        await Promise.all([worker(), worker()]);
      } finally {
        await context.close();
      }
      // One comparison for the whole table, so a failure lists every case that went wrong.
      const wrong = outcomes.filter(
        outcome => outcome.code !== outcome.expected || outcome.foreignRequests.length > 0 || outcome.tokenSightings.length > 0 || outcome.stored.length > 0 || outcome.injected,
      );
      expect(wrong).toEqual([]);
      // Neither the DICOMweb gateway nor (by the request logs above) the provider saw anything: no token was issued or used.
      expect(await gatewayLog(stack)).toEqual([]);
    },
    480_000,
  );
});

/** A real report-provider launch for alice, as KHEOPS's POST /api/report redirects to it: the fragment's parameters. */
async function mintReportProviderLaunch(studyUid: string): Promise<FragmentParams> {
  const response = await fetch(`${stack.standinUrl}/api/report`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'ohif-report-provider', user: 'alice', studyUID: studyUid }).toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location?.includes('#')) throw new Error(`POST /api/report answered ${response.status}`);
  return Object.fromEntries(new URLSearchParams(location.split('#')[1]));
}

/**
 * A return_uri is only a link offered to the clinician, so a hostile one does not spoil the launch:
 * the study opens with KHEOPS's token, and the link is not offered (or, for one on the KHEOPS origin,
 * offered with its markup encoded).
 */
type ReturnUriCase = [name: string, returnUri: (s: StackInfo, elsewhere: string) => string, offered: boolean];

const RETURN_URI_CASES: ReturnUriCase[] = [
  ["KHEOPS's own page (control: offered)", s => `${s.standinUrl}/?user=alice`, true],
  ['a javascript: return_uri', () => 'javascript:alert(document.domain)', false],
  ['a data: return_uri', () => `data:text/html,${HTML}`, false],
  ['a return_uri on another origin', (_s, elsewhere) => `${elsewhere}/phish`, false],
  ['a return_uri with the KHEOPS host as userinfo', (s, elsewhere) => `http://127.0.0.1:${standinPort(s)}@${new URL(elsewhere).host}/`, false],
  // On KHEOPS's origin a return_uri is KHEOPS's to choose; markup in its path is percent-encoded by URL parsing.
  ['a return_uri on KHEOPS with markup in its path (offered, encoded)', s => `${s.standinUrl}/<img/src=x/onerror=window.__kheopsInjected=1>`, true],
  ['a return_uri on KHEOPS with spaces and markup (dropped)', s => `${s.standinUrl}/${HTML}`, false],
];

describe('hostile parts of an accepted launch are dropped', () => {
  test('report-provider launches: a hostile return_uri is not offered, the study still opens, and the hostile origin hears nothing', async () => {
    const { study } = clickedCtSeries(stack);
    // The origin a hostile return_uri points at: it must not receive a single request.
    const hits: string[] = [];
    const elsewhere: Server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('elsewhere');
    });
    await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.1', resolve));
    const elsewhereOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    const context = await newViewerContext(browser);
    const outcomes: Array<{ name: string; offered: boolean; expected: boolean; landed: string; tokenSightings: string[]; injected: boolean }> = [];
    try {
      for (const [name, returnUri, expected] of RETURN_URI_CASES) {
        const launch: FragmentParams = { ...(await mintReportProviderLaunch(study.studyInstanceUID)), return_uri: returnUri(stack, elsewhereOrigin) };
        const token = String(launch.access_token);
        const page = await context.newPage();
        const tokenSightings: string[] = [];
        page.on('request', request => {
          if (secretForms(token).some(form => request.url().includes(form) || (request.headers().referer ?? '').includes(form))) tokenSightings.push(request.url().slice(0, 120));
        });
        page.on('console', message => {
          if (secretForms(token).some(form => message.text().includes(form))) tokenSightings.push(`console: ${message.text().slice(0, 120)}`);
        });
        try {
          await page.goto(`${stack.viewerOrigin}/kheops/report#${fragmentOf(launch)}`);
          await page.waitForURL(url => url.pathname === '/kheops', { timeout: 60_000 });
          // The mode was entered with the launch's session: the viewer says how long it lasts (or shows
          // who is signed in). The way back, when offered, is put on the page in the same step.
          await page
            .locator('[data-kheops-auth-session]')
            .or(page.getByText(/KHEOPS session: .* left/))
            .first()
            .waitFor({ timeout: 60_000 });
          await waitForRenderedFirstViewport(page);
          const back = page.locator('[data-kheops-auth-return]');
          const href = (await back.count()) > 0 ? await back.first().getAttribute('href') : null;
          const injected = await page.evaluate(() => (window as unknown as { __kheopsInjected?: unknown }).__kheopsInjected !== undefined);
          if (href !== null && new URL(href).origin !== new URL(stack.standinUrl).origin) tokenSightings.push(`a way back to ${href}`);
          if (secretForms(token).some(form => page.url().includes(form))) tokenSightings.push('address bar');
          outcomes.push({ name, offered: href !== null, expected, landed: new URL(page.url()).searchParams.get('StudyInstanceUIDs') ?? '', tokenSightings, injected });
        } catch (error) {
          await page.screenshot({ path: artifactPath('hostile-return-uri.failure.png') }).catch(() => undefined);
          throw new Error(`${name}: ${(error as Error).message} (at ${page.url().slice(0, 200)})`);
        } finally {
          await page.close();
        }
      }
    } finally {
      await context.close();
      await new Promise<void>(resolve => elsewhere.close(() => resolve()));
    }
    expect(outcomes.filter(outcome => outcome.offered !== outcome.expected || outcome.landed !== study.studyInstanceUID || outcome.tokenSightings.length > 0 || outcome.injected)).toEqual([]);
    expect(hits).toEqual([]);
  }, 480_000);
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
    /** The refresh-grant calls among them. */
    async refreshes(): Promise<SeenRequest[]> {
      return (await this.tokenCalls()).filter(call => new URLSearchParams(call.postData ?? '').get('grant_type') === 'refresh_token');
    },
    issued,
    requests,
    /**
     * Checks everything seen so far; `page` is the viewer page whose storage is read, which holds the
     * session's three tokens, or none once signed out.
     */
    async verify(page: Page, { signedOut = false } = {}): Promise<void> {
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
      expect(stored.tokens).toHaveLength(signedOut ? 0 : 3);
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

      // The token and revocation endpoints: the viewer is a public client, so no Authorization and no client secret.
      const tokenCalls = seen.filter(request => request.method === 'POST' && request.url.startsWith(tokenEndpoint));
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

/**
 * A launch whose first access token lives 12 s (renewed at half its lifetime), so that a refresh
 * happens within the test; tokens issued afterwards live as usual again, so the tab then settles.
 * The caller restores `usualTtl` when done, whatever happened.
 */
async function launchWithShortTokens(seriesInstanceUID: string) {
  const usualTtl = await accessTokenTtl();
  await accessTokenTtl(12);
  const context = await newViewerContext(browser);
  const monitor = monitorTokens(context);
  const page = await context.newPage();
  try {
    await launchFromStudyPage(page, stack, seriesInstanceUID);
    await accessTokenTtl(usualTtl);
    await waitForFirstViewportSeries(page, seriesInstanceUID);
  } catch (error) {
    await context.close();
    await accessTokenTtl(usualTtl);
    throw error;
  }
  return { context, monitor, page, usualTtl };
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
      await openStudyAtFirstImage(page, stack, series.seriesInstanceUID);
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
    const { context, monitor, page, usualTtl } = await launchWithShortTokens(series.seriesInstanceUID);
    try {
      const [refresh] = await until('a refresh', async () => ((await monitor.refreshes()).length > 0 ? monitor.refreshes() : undefined));
      expect(refresh).toBeDefined();
      // The refresh token travels in the POST body of the token request, nowhere else.
      expect(new URLSearchParams(refresh?.postData ?? '').get('refresh_token')).toEqual(expect.any(String));

      // The refresh's answer is in the tab before the reload, or the reload would start from the first token.
      await until('a renewed access token in the tab', async () => {
        const renewedSoFar = (await monitor.issued()).accessTokens.slice(1);
        const { tokens } = await readViewerStorage(page);
        return tokens.some(token => renewedSoFar.includes(token)) ? true : undefined;
      });
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

  test('through a full session (launch, refresh, save, sign-out), tokens go only to the DICOMweb root and the provider', async () => {
    const { series } = clickedCtSeries(stack);
    const { context, monitor, page, usualTtl } = await launchWithShortTokens(series.seriesInstanceUID);
    try {
      await waitForRenderedFirstViewport(page);
      await until('a refresh', async () => ((await monitor.refreshes()).length > 0 ? true : undefined));

      await drawTrackedLength(page);
      await saveReport(page, `Token hygiene ${Date.now()}`);
      await page.getByText(/^Report saved to /).waitFor({ timeout: 60_000 });
      const stows = (await monitor.requests()).filter(request => request.method === 'POST' && request.url.startsWith(`${stack.dicomWebRoot}/studies`));
      expect(stows.length).toBeGreaterThan(0);

      await clickSignOut(page);
      // The saved measurement is no unsaved work: no question, straight to signed out.
      await page.locator('[data-kheops-auth-session="signed-out"]').waitFor({ timeout: 30_000 });
      const revocations = (await monitor.requests()).filter(request => request.method === 'POST' && request.url === `${stack.issuer}/token/revocation`);
      expect(revocations.length).toBeGreaterThanOrEqual(2);
      // The tokens to revoke travel in the POST body, never in the URL (checked for all requests below).
      expect(revocations.every(request => new URLSearchParams(request.postData ?? '').has('token'))).toBe(true);
      await monitor.verify(page, { signedOut: true });
    } catch (error) {
      await page.screenshot({ path: artifactPath('tokens-never-leak-full.failure.png') }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
      await accessTokenTtl(usualTtl);
    }
  });
});
