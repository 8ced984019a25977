// The viewer host's login path: the small login page for GET, and a form POST (OIDC Core §4)
// turned into a 303 to the same launch as a GET.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFormContentType, loginRedirectLocation, MAX_LOGIN_FORM_BYTES } from '../stack/login-post';
import { startViewerHost, type ViewerHost } from '../stack/viewer-host';

const ISSUER = 'http://127.0.0.1:8080/api';
const TARGET = 'http://localhost:3000/kheops?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.4';

let workDir: string;
let distDir: string;
let loginPageDir: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'viewer-host-test-'));
  distDir = path.join(workDir, 'dist');
  loginPageDir = path.join(workDir, 'login-page');
  mkdirSync(distDir);
  mkdirSync(loginPageDir);
  writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>OHIF</title>');
  writeFileSync(path.join(loginPageDir, 'kheops-login.html'), '<!doctype html><title>small login page</title>');
  writeFileSync(path.join(loginPageDir, 'kheops-login.mjs'), 'export {};');
  writeFileSync(path.join(loginPageDir, 'kheops-login.mjs.map'), '{}');
  writeFileSync(path.join(loginPageDir, 'kheops-popup-callback.html'), '<!doctype html><title>small popup callback page</title>');
  writeFileSync(path.join(loginPageDir, 'kheops-popup-callback.mjs'), 'export {};');
  writeFileSync(path.join(loginPageDir, 'kheops-popup-callback.mjs.map'), '{}');
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function withHost(loginPage: 'small' | 'viewer' | undefined, run: (host: ViewerHost) => Promise<void>): Promise<void> {
  const host = await startViewerHost({
    port: 0,
    distDir,
    appConfigScript: 'window.config = {};',
    modules: {},
    headers: { 'X-Content-Type-Options': 'nosniff' },
    loginPageDir,
    ...(loginPage ? { loginPage } : {}),
  });
  try {
    await run(host);
  } finally {
    await host.close();
  }
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const post = (host: ViewerHost, body: string, contentType = 'application/x-www-form-urlencoded', pathName = '/kheops/login') =>
  fetch(`${host.origin}${pathName}`, { method: 'POST', body, headers: { 'Content-Type': contentType }, redirect: 'manual' });

describe('the login path of the viewer host', () => {
  it('serves the small login page for GET by default, and its module under /modules/', async () => {
    await withHost(undefined, async host => {
      const page = await fetch(`${host.origin}/kheops/login?iss=x`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await page.text()).toContain('small login page');
      const module = await fetch(`${host.origin}/modules/kheops-login.mjs`);
      expect(module.status).toBe(200);
      expect(module.headers.get('content-type')).toMatch(/^text\/javascript/);
    });
  });

  it('serves the small popup callback page on the popup callback path, so re-authentication boots no OHIF', async () => {
    await withHost(undefined, async host => {
      const page = await fetch(`${host.origin}/kheops/popup-callback?code=c&state=s`);
      expect(await page.text()).toContain('small popup callback page');
      expect((await fetch(`${host.origin}/modules/kheops-popup-callback.mjs`)).status).toBe(200);
    });
    await withHost('viewer', async host => {
      expect(await (await fetch(`${host.origin}/kheops/popup-callback?code=c&state=s`)).text()).toContain('<title>OHIF</title>');
    });
  });

  it('answers a revalidation of an unchanged file with 304, so a launch re-downloads nothing', async () => {
    await withHost(undefined, async host => {
      const first = await fetch(`${host.origin}/modules/kheops-login.mjs`);
      const etag = first.headers.get('etag');
      expect(first.headers.get('cache-control')).toBe('no-cache');
      expect(etag).toBeTruthy();
      const again = await fetch(`${host.origin}/modules/kheops-login.mjs`, { headers: { 'If-None-Match': etag ?? '' } });
      expect(again.status).toBe(304);
      expect(again.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  it("leaves GET to OHIF's route with loginPage 'viewer'", async () => {
    await withHost('viewer', async host => {
      expect(await (await fetch(`${host.origin}/kheops/login?iss=x`)).text()).toContain('<title>OHIF</title>');
    });
  });

  it('answers a form POST with 303 to the GET URL carrying the same parameters', async () => {
    await withHost(undefined, async host => {
      const response = await post(host, form({ iss: ISSUER, login_hint: 'alice', target_link_uri: TARGET }));
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location') ?? '', host.origin);
      expect(location.origin).toBe(host.origin);
      expect(location.pathname).toBe('/kheops/login');
      expect([...location.searchParams]).toEqual([
        ['iss', ISSUER],
        ['login_hint', 'alice'],
        ['target_link_uri', TARGET],
      ]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  it("does the same when OHIF's route answers GET, and accepts a charset parameter", async () => {
    await withHost('viewer', async host => {
      const response = await post(host, form({ iss: ISSUER }), 'application/x-www-form-urlencoded; charset=UTF-8');
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/kheops/login?iss=${encodeURIComponent(ISSUER)}`);
    });
  });

  it('refuses other content types with 415 and oversized forms with 413', async () => {
    await withHost(undefined, async host => {
      expect((await post(host, JSON.stringify({ iss: ISSUER }), 'application/json')).status).toBe(415);
      expect((await post(host, form({ iss: ISSUER }), 'multipart/form-data; boundary=x')).status).toBe(415);
      const huge = form({ iss: ISSUER, login_hint: 'a'.repeat(MAX_LOGIN_FORM_BYTES) });
      expect((await post(host, huge)).status).toBe(413);
    });
  });

  it('allows POST on the login path only', async () => {
    await withHost(undefined, async host => {
      const elsewhere = await post(host, form({ iss: ISSUER }), 'application/x-www-form-urlencoded', '/kheops/callback');
      expect(elsewhere.status).toBe(405);
      const put = await fetch(`${host.origin}/kheops/login`, { method: 'PUT', body: 'x' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    });
  });
});

describe('login form helpers', () => {
  it('keep repeated parameters, so the login page refuses them as it would in a GET', () => {
    expect(loginRedirectLocation('/kheops/login', 'iss=a&iss=b')).toBe('/kheops/login?iss=a&iss=b');
    expect(loginRedirectLocation('/kheops/login', '')).toBe('/kheops/login');
  });

  it('re-encode what the form encoded, so the redirect carries no raw characters', () => {
    expect(loginRedirectLocation('/kheops/login', 'login_hint=a+b%0D%0ALocation:%20x')).toBe('/kheops/login?login_hint=a+b%0D%0ALocation%3A+x');
  });

  it('recognise the form media type only', () => {
    expect(isFormContentType('application/x-www-form-urlencoded')).toBe(true);
    expect(isFormContentType('Application/X-WWW-Form-Urlencoded ; charset=utf-8')).toBe(true);
    expect(isFormContentType('text/plain')).toBe(false);
    expect(isFormContentType(undefined)).toBe(false);
  });
});
