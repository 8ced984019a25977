// The KHEOPS stand-in, run as a child process (oidc-provider is ESM-only; jest runs CommonJS) against a
// fake Orthanc started here, so every request the gateway forwards can be inspected.
import { CookieJar, followToViewer as followToProviderExit, pkcePair } from './support/sign-in-without-browser';
import { startStandinProcess, stopProcess } from './support/standin-process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { SignJWT, decodeJwt, generateKeyPair } from 'jose';

import { checkAccessToken, tokenFromAuthorization, type TokenVerifier } from '../kheops-standin/src/access-token';
import { redactPath } from '../kheops-standin/src/request-log';
import { GrantRegistry } from '../kheops-standin/src/revocations';

jest.setTimeout(60000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const VIEWER_ORIGIN = 'http://localhost:3000';
const CALLBACK = `${VIEWER_ORIGIN}/kheops/callback`;
const CLIENT_ID = 'ohif-viewer';

// ---------------------------------------------------------------------------------------------
// Fake Orthanc: canned DICOMweb answers, and a record of what reached it.

interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const STUDY_UID = '1.2.826.0.1.3680043.8.498.1';
const SERIES_UID = '1.2.826.0.1.3680043.8.498.1.2';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function startFakeOrthanc(): Promise<{ server: Server; url: string; requests: UpstreamRequest[] }> {
  const requests: UpstreamRequest[] = [];
  const json = (value: unknown) => ({ type: 'application/dicom+json', body: Buffer.from(JSON.stringify(value)) });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, headers: req.headers, body });
      const pathname = new URL(url, 'http://x').pathname;
      let answer: { type: string; body: Buffer };
      if (pathname === '/api/studies' && req.method === 'GET') {
        answer = json([
          {
            '0020000D': { vr: 'UI', Value: [STUDY_UID] },
            '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^<script>alert(1)</script>' }] },
            '00100020': { vr: 'LO', Value: ['P-001'] },
            '00081030': { vr: 'LO', Value: ['CT "chest" & abdomen'] },
            '00080020': { vr: 'DA', Value: ['20240131'] },
          },
        ]);
      } else if (pathname === `/api/studies/${STUDY_UID}/series`) {
        answer = json([
          {
            '0020000E': { vr: 'UI', Value: [SERIES_UID] },
            '0008103E': { vr: 'LO', Value: ['Axial <b>1 mm</b>'] },
            '00080060': { vr: 'CS', Value: ['CT'] },
            '00200011': { vr: 'IS', Value: [2] },
            '00201209': { vr: 'IS', Value: [3] },
          },
        ]);
      } else if (pathname === `/api/studies/${STUDY_UID}/series/${SERIES_UID}/instances`) {
        answer = json([1, 2, 3].map((n) => ({ '00080018': { vr: 'UI', Value: [`${SERIES_UID}.${n}`] }, '00200013': { vr: 'IS', Value: [n] } })));
      } else if (pathname.endsWith('/rendered')) {
        answer = { type: 'image/png', body: PNG };
      } else if (req.method === 'POST') {
        answer = { type: 'application/json', body: Buffer.from(JSON.stringify({ stored: body.length })) };
      } else {
        answer = { type: 'application/json', body: Buffer.from(JSON.stringify({ path: pathname })) };
      }
      res.writeHead(200, { 'Content-Type': answer.type, 'Content-Length': answer.body.length });
      res.end(answer.body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

// ---------------------------------------------------------------------------------------------
// The stand-in as a child process.

const followToViewer = (jar: CookieJar, start: string, init?: RequestInit) => followToProviderExit(jar, VIEWER_ORIGIN, start, init);

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  expires_in: number;
}

async function authorize(
  standinUrl: string,
  jar: CookieJar,
  { user = 'alice', scope = 'openid profile offline_access read write' } = {},
): Promise<{ code: string; verifier: string; callback: URL }> {
  const { verifier, challenge } = pkcePair();
  const auth = new URL(`${standinUrl}/api/auth`);
  auth.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'state-1',
    nonce: 'nonce-1',
    login_hint: user,
  }).toString();

  const first = await fetch(auth, { redirect: 'manual' });
  jar.store(first);
  const loginPage = new URL(first.headers.get('location') ?? '', standinUrl);
  expect(loginPage.pathname).toMatch(/^\/interaction\/[\w-]+$/);

  const page = await fetch(loginPage, { headers: { cookie: jar.header() } });
  const html = await page.text();
  expect(html).toContain(`<input id="username" name="username" type="text" value="${user}"`);
  expect(html).toContain('id="password" name="password" type="password"');

  const callback = await followToViewer(jar, `${loginPage.href}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password: user }).toString(),
  });
  expect(callback.origin + callback.pathname).toBe(CALLBACK);
  expect(callback.searchParams.get('state')).toBe('state-1');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  return { code, verifier, callback };
}

async function tokenRequest(standinUrl: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${standinUrl}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: VIEWER_ORIGIN },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...params }).toString(),
  });
}

async function signIn(standinUrl: string, options: { user?: string; scope?: string } = {}): Promise<Tokens> {
  const jar = new CookieJar();
  const { code, verifier } = await authorize(standinUrl, jar, options);
  const response = await tokenRequest(standinUrl, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function refresh(standinUrl: string, refreshToken: string): Promise<Response> {
  return tokenRequest(standinUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

// ---------------------------------------------------------------------------------------------

describe('KHEOPS stand-in', () => {
  let orthanc: Awaited<ReturnType<typeof startFakeOrthanc>>;
  let standin: Awaited<ReturnType<typeof startStandinProcess>>;
  let base: string;
  const issuedTokens: string[] = [];
  const remember = (tokens: Tokens) => {
    issuedTokens.push(tokens.access_token);
    if (tokens.refresh_token) issuedTokens.push(tokens.refresh_token);
    if (tokens.id_token) issuedTokens.push(tokens.id_token);
    return tokens;
  };

  beforeAll(async () => {
    orthanc = await startFakeOrthanc();
    standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: orthanc.url, STANDIN_TEST_CONTROLS: '1' });
    base = standin.url;
  });

  afterAll(async () => {
    await stopProcess(standin?.child);
    await new Promise((resolve) => orthanc?.server.close(resolve));
  });

  beforeEach(() => {
    orthanc.requests.length = 0;
  });

  test('answers readiness checks', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect(await (await fetch(`${base}/__test/health`)).json()).toEqual({ ok: true });
    expect((await fetch(`${base}/__test/nothing-here`)).status).toBe(404);
  });

  test('discovery advertises the code flow with PKCE S256 and refresh tokens', async () => {
    const response = await fetch(`${base}/api/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(`${base}/api`);
    expect(discovery.authorization_endpoint).toBe(`${base}/api/auth`);
    expect(discovery.token_endpoint).toBe(`${base}/api/token`);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.revocation_endpoint).toBe(`${base}/api/token/revocation`);
    expect(discovery.end_session_endpoint).toBe(`${base}/api/session/end`);
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access', 'read', 'write']));
  });

  test('refuses an authorization request without PKCE', async () => {
    const auth = new URL(`${base}/api/auth`);
    auth.search = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 's' }).toString();
    const response = await fetch(auth, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', base);
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  test('a wrong password shows the login form again with a message', async () => {
    const jar = new CookieJar();
    const { challenge } = pkcePair();
    const auth = new URL(`${base}/api/auth`);
    auth.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: 'bob',
    }).toString();
    const first = await fetch(auth, { redirect: 'manual' });
    jar.store(first);
    const loginPage = new URL(first.headers.get('location') ?? '', base);
    const response = await fetch(`${loginPage.href}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=bob&password=wrong',
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('id="login-error"');
    expect(html).toContain('value="bob"');
    expect(html).toContain('<title>KHEOPS (local stand-in)</title>');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('the code + PKCE flow yields a DICOMweb access token, an ID token and a refresh token', async () => {
    const tokens = remember(await signIn(base));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.expires_in).toBe(300);

    const access = decodeJwt(tokens.access_token);
    expect(access.iss).toBe(`${base}/api`);
    expect([access.aud].flat()).toEqual([`${base}/api`]);
    expect(access.sub).toBe('alice');
    expect(access.jti).toEqual(expect.any(String));
    expect(String(access.scope).split(' ').sort()).toEqual(['read', 'write']);
    expect(access.client_id).toBe(CLIENT_ID);

    const id = decodeJwt(tokens.id_token ?? '');
    expect(id).toMatchObject({ sub: 'alice', name: 'Alice Martin', preferred_username: 'alice', aud: CLIENT_ID, nonce: 'nonce-1' });

    // The profile is in the ID token; the DICOMweb token is not for userinfo (oidc-client-ts: loadUserInfo false).
    const userinfo = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  test('the token endpoint answers CORS for the viewer origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/api/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(VIEWER_ORIGIN)).headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
    const tokens = await signIn(base);
    remember(tokens);
    const fromElsewhere = await fetch(`${base}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: new URLSearchParams({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }).toString(),
    });
    expect(fromElsewhere.status).toBe(400);
    expect(((await fromElsewhere.json()) as { error: string }).error).toBe('invalid_request');
  });

  test('refresh rotates the refresh token; reusing a used one revokes the whole grant', async () => {
    const first = remember(await signIn(base));
    const rotated = await refresh(base, first.refresh_token ?? '');
    expect(rotated.status).toBe(200);
    const second = remember((await rotated.json()) as Tokens);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // oidc-client-ts sends no `resource` on refresh: the token is still for the DICOMweb root.
    expect([decodeJwt(second.access_token).aud].flat()).toEqual([`${base}/api`]);

    const reuse = await refresh(base, first.refresh_token ?? '');
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');

    const afterReuse = await refresh(base, second.refresh_token ?? '');
    expect(afterReuse.status).toBe(400);
    expect(((await afterReuse.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('/__test/ttl changes the lifetime of tokens issued afterwards', async () => {
    const changed = await postJson(`${base}/__test/ttl`, { accessTokenTtl: 42 });
    expect(await changed.json()).toMatchObject({ accessTokenTtl: 42 });
    try {
      const tokens = remember(await signIn(base));
      expect(tokens.expires_in).toBe(42);
      const { exp = 0, iat = 0 } = decodeJwt(tokens.access_token);
      expect(exp - iat).toBe(42);
    } finally {
      await postJson(`${base}/__test/ttl`, { accessTokenTtl: 300 });
    }
    expect((await postJson(`${base}/__test/ttl`, { accessTokenTtl: -1 })).status).toBe(400);
  });

  describe('DICOMweb gateway', () => {
    let readWrite: Tokens;
    let readOnly: Tokens;

    beforeAll(async () => {
      readWrite = remember(await signIn(base));
      readOnly = remember(await signIn(base, { scope: 'openid profile offline_access read' }));
      expect(decodeJwt(readOnly.access_token).scope).toBe('read');
    });

    test('without a token: 401 and a bare Bearer challenge', async () => {
      const response = await fetch(`${base}/api/studies`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="kheops"');
      expect(orthanc.requests).toHaveLength(0);
    });

    test('a token signed by another key: 401 invalid_token', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const claims = decodeJwt(readWrite.access_token);
      const forged = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'forged' })
        .sign(privateKey);
      const response = await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${forged}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="kheops", error="invalid_token", error_description="[^"]+"$/);
      expect(orthanc.requests).toHaveLength(0);
    });

    test('a read-only token cannot store: 403 insufficient_scope', async () => {
      const response = await fetch(`${base}/api/studies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readOnly.access_token}`, 'content-type': 'application/dicom' },
        body: 'DICM',
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(orthanc.requests).toHaveLength(0);

      const read = await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${readOnly.access_token}` } });
      expect(read.status).toBe(200);
    });

    test('a valid token is forwarded with the original Host and without credentials', async () => {
      const response = await fetch(`${base}/api/studies/${STUDY_UID}/series/${SERIES_UID}/metadata?x=1`, {
        headers: { authorization: `Bearer ${readWrite.access_token}`, cookie: '_session=secret', accept: 'application/dicom+json', origin: VIEWER_ORIGIN },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: `/api/studies/${STUDY_UID}/series/${SERIES_UID}/metadata` });
      expect(response.headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
      expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');

      expect(orthanc.requests).toHaveLength(1);
      const [forwarded] = orthanc.requests;
      expect(forwarded?.url).toBe(`/api/studies/${STUDY_UID}/series/${SERIES_UID}/metadata?x=1`);
      expect(forwarded?.headers.host).toBe(new URL(base).host);
      expect(forwarded?.headers.authorization).toBeUndefined();
      expect(forwarded?.headers.cookie).toBeUndefined();
      expect(forwarded?.headers.accept).toBe('application/dicom+json');
    });

    test('STOW bodies are streamed through with a write token', async () => {
      const body = randomBytes(256 * 1024);
      const response = await fetch(`${base}/api/studies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readWrite.access_token}`, 'content-type': 'multipart/related; type="application/dicom"; boundary=x' },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ stored: body.length });
      expect(orthanc.requests[0]?.body.equals(body)).toBe(true);
    });

    test('WADO-URI is guarded and forwarded at the same path', async () => {
      const url = `${base}/api/wado?requestType=WADO&studyUID=${STUDY_UID}`;
      expect((await fetch(url)).status).toBe(401);
      const response = await fetch(url, { headers: { authorization: `Bearer ${readOnly.access_token}` } });
      expect(response.status).toBe(200);
      expect(orthanc.requests[0]?.url).toBe(`/api/wado?requestType=WADO&studyUID=${STUDY_UID}`);
    });

    test('preflight: 204 with CORS headers for the viewer origin, none for another origin', async () => {
      const preflight = (origin: string) =>
        fetch(`${base}/api/studies/${STUDY_UID}/metadata`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
        });
      const allowed = await preflight(VIEWER_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Accept');
      expect(allowed.headers.get('access-control-max-age')).toBe('600');
      expect(allowed.headers.get('vary')).toContain('Origin');

      const other = await preflight('http://evil.example');
      expect(other.status).toBe(204);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-allow-methods')).toBeNull();
      expect(orthanc.requests).toHaveLength(0);
    });

    test('a KHEOPS link token in the path works and is redacted in the log', async () => {
      await fetch(`${base}/__test/log/clear`, { method: 'POST' });
      const response = await fetch(`${base}/api/link/${readOnly.access_token}/studies?limit=1`);
      expect(response.status).toBe(200);
      expect(orthanc.requests[0]?.url).toBe('/api/studies?limit=1');
      const log = (await (await fetch(`${base}/__test/log`)).json()) as { path: string; outcome: string }[];
      expect(log).toEqual([expect.objectContaining({ path: '/api/link/[redacted]/studies?limit=1', outcome: 'forwarded' })]);
    });

    test('the request log records each decision without the token', async () => {
      await fetch(`${base}/__test/log/clear`, { method: 'POST' });
      await fetch(`${base}/api/studies`);
      await fetch(`${base}/api/studies`, { headers: { authorization: 'Bearer not-a-jwt' } });
      await fetch(`${base}/api/studies`, { method: 'POST', headers: { authorization: `Bearer ${readOnly.access_token}` }, body: 'x' });
      await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${readOnly.access_token}` } });
      await fetch(`${base}/api/studies`, { method: 'OPTIONS', headers: { origin: VIEWER_ORIGIN, 'access-control-request-method': 'GET' } });
      const log = (await (await fetch(`${base}/__test/log`)).json()) as Record<string, unknown>[];
      const claims = decodeJwt(readOnly.access_token);
      expect(log.map((entry) => [entry.method, entry.status, entry.outcome])).toEqual([
        ['GET', 401, 'no-token'],
        ['GET', 401, 'invalid-token'],
        ['POST', 403, 'insufficient-scope'],
        ['GET', 200, 'forwarded'],
        ['OPTIONS', 204, 'preflight'],
      ]);
      expect(log[3]).toMatchObject({ path: '/api/studies', tokenId: claims.jti, sub: 'alice', scope: 'read', exp: claims.exp, iat: claims.iat });
      expect(log[0]).toMatchObject({ tokenId: 'none' });
      expect(new Date(String(log[0]?.time)).toISOString()).toBe(log[0]?.time);
    });
  });

  test('/__test/revoke makes the gateway refuse the old access token and refresh fail', async () => {
    const alice = remember(await signIn(base, { user: 'alice' }));
    const bob = remember(await signIn(base, { user: 'bob' }));
    const get = (tokens: Tokens) => fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await get(alice)).status).toBe(200);

    const revoked = await postJson(`${base}/__test/revoke`, { user: 'alice' });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedGrants: number }).revokedGrants).toBeGreaterThan(0);

    const refused = await get(alice);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refreshed = await refresh(base, alice.refresh_token ?? '');
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');

    // Only alice is affected, and alice can sign in again afterwards.
    expect((await get(bob)).status).toBe(200);
    expect((await refresh(base, bob.refresh_token ?? '')).status).toBe(200);
    const again = remember(await signIn(base, { user: 'alice' }));
    expect((await get(again)).status).toBe(200);

    const log = (await (await fetch(`${base}/__test/log`)).json()) as { outcome: string }[];
    expect(log.some((entry) => entry.outcome === 'revoked')).toBe(true);
    expect((await postJson(`${base}/__test/revoke`, { user: 'mallory' })).status).toBe(400);
  });

  test('sign-out revocation (oidc-client-ts order: access token, then refresh token) works', async () => {
    const tokens = remember(await signIn(base));
    const revoke = (token: string, hint: string) =>
      fetch(`${base}/api/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: VIEWER_ORIGIN },
        body: new URLSearchParams({ client_id: CLIENT_ID, token, token_type_hint: hint }).toString(),
      });
    const get = () => fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await get()).status).toBe(200);

    const accessRevoked = await revoke(tokens.access_token, 'access_token');
    expect(accessRevoked.status).toBe(200);
    expect(accessRevoked.headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
    expect((await get()).status).toBe(401);

    const refreshRevoked = await revoke(tokens.refresh_token ?? '', 'refresh_token');
    expect(refreshRevoked.status).toBe(200);
    expect(refreshRevoked.headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
    const refreshed = await refresh(base, tokens.refresh_token ?? '');
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');

    // A token that is not ours is not an error (RFC 7009 §2.2).
    expect((await revoke('eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'access_token')).status).toBe(200);
  });

  test('/__test/read-only makes a user\'s new grants leave out write: reads pass, STOW is refused', async () => {
    try {
      expect((await postJson(`${base}/__test/read-only`, { user: 'bob', readOnly: true })).status).toBe(200);
      const bob = remember(await signIn(base, { user: 'bob' }));
      expect((bob as unknown as { scope?: string }).scope?.split(' ')).not.toContain('write');
      const claims = JSON.parse(Buffer.from(bob.access_token.split('.')[1] ?? '', 'base64url').toString()) as { scope: string };
      expect(claims.scope).toBe('read');
      const auth = { authorization: `Bearer ${bob.access_token}` };
      expect((await fetch(`${base}/api/studies`, { headers: auth })).status).toBe(200);
      const stow = await fetch(`${base}/api/studies`, { method: 'POST', headers: { ...auth, 'content-type': 'application/dicom' }, body: 'x' });
      expect(stow.status).toBe(403);
      // Other users keep write.
      const alice = remember(await signIn(base, { user: 'alice' }));
      expect((alice as unknown as { scope?: string }).scope?.split(' ')).toContain('write');
    } finally {
      await postJson(`${base}/__test/read-only`, { user: 'bob', readOnly: false });
    }
    expect((await postJson(`${base}/__test/read-only`, { user: 'mallory', readOnly: true })).status).toBe(400);
  });

  test('/__test/fail simulates provider and gateway outages', async () => {
    const tokens = remember(await signIn(base));
    try {
      await postJson(`${base}/__test/fail`, { provider: true });
      expect((await fetch(`${base}/api/.well-known/openid-configuration`)).status).toBe(503);
      expect((await refresh(base, tokens.refresh_token ?? '')).status).toBe(503);
      expect((await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);

      await postJson(`${base}/__test/fail`, { provider: false, gateway: true });
      expect((await fetch(`${base}/api/.well-known/openid-configuration`)).status).toBe(200);
      expect((await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(503);
    } finally {
      await postJson(`${base}/__test/fail`, { provider: false, gateway: false });
    }
    expect((await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
  });

  test('the study page lists series thumbnails that launch the viewer by third-party initiated login', async () => {
    const response = await fetch(`${base}/?user=bob`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>KHEOPS (local stand-in)</title>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Doe, &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Axial &lt;b&gt;1 mm&lt;/b&gt;');
    expect(html).toContain('2024-01-31');

    const link = /<a class="series-thumbnail" data-study-uid="([^"]+)" data-series-uid="([^"]+)" data-series-description="([^"]*)" href="([^"]+)">/.exec(html);
    expect(link?.[1]).toBe(STUDY_UID);
    expect(link?.[2]).toBe(SERIES_UID);
    const href = new URL((link?.[4] ?? '').replaceAll('&amp;', '&'));
    expect(href.origin + href.pathname).toBe(`${VIEWER_ORIGIN}/kheops/login`);
    expect(href.searchParams.get('iss')).toBe(`${base}/api`);
    expect(href.searchParams.get('login_hint')).toBe('bob');
    const target = new URL(href.searchParams.get('target_link_uri') ?? '');
    expect(target.origin + target.pathname).toBe(`${VIEWER_ORIGIN}/kheops`);
    expect(target.searchParams.get('StudyInstanceUIDs')).toBe(STUDY_UID);
    expect(target.searchParams.get('initialSeriesInstanceUID')).toBe(SERIES_UID);

    const thumbnail = await fetch(`${base}/ui/series/${STUDY_UID}/${SERIES_UID}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await thumbnail.arrayBuffer()).equals(PNG)).toBe(true);
    const rendered = orthanc.requests.find((request) => request.url.endsWith('/rendered'));
    expect(rendered?.url).toBe(`/api/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${SERIES_UID}.2/rendered`);
    expect(rendered?.headers.accept).toBe('image/png');
  });

  test('the request log never contains a token', async () => {
    expect(issuedTokens.length).toBeGreaterThan(10);
    const log = await (await fetch(`${base}/__test/log`)).text();
    expect(log.length).toBeGreaterThan(2);
    for (const token of issuedTokens) expect(log).not.toContain(token);
    expect(standin.output()).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});

describe('KHEOPS stand-in without test controls', () => {
  let standin: Awaited<ReturnType<typeof startStandinProcess>> | undefined;

  afterAll(async () => {
    await stopProcess(standin?.child);
  });

  test('does not mount /__test/', async () => {
    standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: 'http://127.0.0.1:9' });
    expect((await fetch(`${standin.url}/__test/health`)).status).toBe(404);
    expect((await fetch(`${standin.url}/__test/revoke`, { method: 'POST', body: '{"user":"alice"}' })).status).toBe(404);
    expect((await fetch(`${standin.url}/health`)).status).toBe(200);
  });

  test('reports a port in use clearly', async () => {
    const port = new URL(standin?.url ?? '').port;
    const second = spawn(process.execPath, ['--import', 'tsx', 'tests/kheops-standin/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, STANDIN_PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${port} is in use; set STANDIN_PORT to another port`);
  });
});

// KHEOPS itself issues no refresh tokens; the deployment check must be able to see such a provider.
describe('KHEOPS stand-in without refresh tokens (STANDIN_REFRESH_TOKENS=0)', () => {
  let standin: Awaited<ReturnType<typeof startStandinProcess>> | undefined;

  afterAll(async () => {
    await stopProcess(standin?.child);
  });

  test('drops refresh_token from discovery and gives none at sign-in', async () => {
    standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: 'http://127.0.0.1:9', STANDIN_REFRESH_TOKENS: '0' });
    const discovery = (await (await fetch(`${standin.url}/api/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.grant_types_supported).toEqual(['authorization_code']);
    expect(discovery.scopes_supported).not.toContain('offline_access');
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);

    const tokens = await signIn(standin.url);
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
    const refused = await refresh(standin.url, 'anything');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/unauthorized_client|unsupported_grant_type/);
  });
});

// The gateway's token decisions, checked in-process with tokens minted here: this covers expiry
// deterministically (a token that expired an hour ago) without waiting for a real one to expire.
describe('access token checks', () => {
  const ISSUER = 'http://127.0.0.1:1/api';
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let grants: GrantRegistry;
  let verifier: TokenVerifier;
  const now = Math.floor(Date.now() / 1000);

  const mint = (claims: Record<string, unknown>, typ = 'at+jwt') =>
    new SignJWT({ scope: 'read write', client_id: CLIENT_ID, ...claims })
      .setProtectedHeader({ alg: 'RS256', typ })
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .setSubject('alice')
      .setJti(String(claims.jti ?? 'jti-1'))
      .setIssuedAt(Number(claims.iat ?? now))
      .setExpirationTime(Number(claims.exp ?? now + 300))
      .sign(keys.privateKey);

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    grants = new GrantRegistry();
    verifier = { publicKey: keys.publicKey, issuer: ISSUER, audience: ISSUER, grants };
  });

  test('accepts a valid token and reports its facts', async () => {
    const result = await checkAccessToken(verifier, await mint({}), 'write');
    expect(result).toMatchObject({ ok: true, facts: { tokenId: 'jti-1', sub: 'alice', scope: 'read write', exp: now + 300, iat: now } });
  });

  test('an expired token is refused as expired, with its id for the log', async () => {
    const result = await checkAccessToken(verifier, await mint({ iat: now - 3600, exp: now - 1800, jti: 'old' }), 'read');
    expect(result).toMatchObject({ ok: false, status: 401, outcome: 'expired', error: 'invalid_token', facts: { tokenId: 'old' } });
  });

  test('wrong audience, wrong issuer or wrong type are invalid tokens', async () => {
    const otherAudience = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience('http://127.0.0.1:1/userinfo')
      .setSubject('alice')
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(keys.privateKey);
    expect(await checkAccessToken(verifier, otherAudience, 'read')).toMatchObject({ ok: false, outcome: 'invalid-token', reason: expect.stringContaining('aud') });
    expect(await checkAccessToken({ ...verifier, issuer: 'http://elsewhere/api' }, await mint({}), 'read')).toMatchObject({ ok: false, outcome: 'invalid-token' });
    // An ID token (typ JWT) must not open DICOMweb.
    expect(await checkAccessToken(verifier, await mint({}, 'JWT'), 'read')).toMatchObject({ ok: false, outcome: 'invalid-token' });
  });

  test('missing scope is 403 insufficient_scope', async () => {
    expect(await checkAccessToken(verifier, await mint({ scope: 'read' }), 'write')).toMatchObject({
      ok: false,
      status: 403,
      outcome: 'insufficient-scope',
      error: 'insufficient_scope',
    });
  });

  test('tokens of a revoked grant are refused; tokens of other grants are not', async () => {
    grants.recordGrant('alice', 'grant-a');
    grants.recordAccessToken('jti-a', 'grant-a', now + 300);
    grants.recordGrant('alice', 'grant-b');
    grants.recordAccessToken('jti-b', 'grant-b', now + 300);
    grants.markRevoked('alice', ['grant-a']);
    expect(await checkAccessToken(verifier, await mint({ jti: 'jti-a' }), 'read')).toMatchObject({ ok: false, status: 401, outcome: 'revoked' });
    expect(await checkAccessToken(verifier, await mint({ jti: 'jti-b' }), 'read')).toMatchObject({ ok: true });
  });

  test('reads Bearer and Basic (token as password) credentials', () => {
    expect(tokenFromAuthorization('Bearer abc')).toBe('abc');
    expect(tokenFromAuthorization('bearer   abc')).toBe('abc');
    expect(tokenFromAuthorization(`Basic ${Buffer.from('user:abc').toString('base64')}`)).toBe('abc');
    expect(tokenFromAuthorization('Basic ' + Buffer.from('user:').toString('base64'))).toBeUndefined();
    expect(tokenFromAuthorization('Bearer')).toBeUndefined();
    expect(tokenFromAuthorization(undefined)).toBeUndefined();
  });

  test('redacts link tokens in logged paths', () => {
    expect(redactPath('/api/link/abc.def/studies?x=1')).toBe('/api/link/[redacted]/studies?x=1');
    expect(redactPath('/api/link/abc')).toBe('/api/link/[redacted]');
    expect(redactPath('/api/studies/1.2/series')).toBe('/api/studies/1.2/series');
  });
});
