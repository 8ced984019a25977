// The stand-in's Keycloak profile (STANDIN_PROVIDER=keycloak): what a client meets at the Keycloak
// realm released KHEOPS signs its users in with (platform-facts §8), over real HTTP.
import { CookieJar, followToViewer, pkcePair } from './support/sign-in-without-browser';
import { startStandinProcess, stopProcess, type StandinProcess } from './support/standin-process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { decodeJwt, decodeProtectedHeader } from 'jose';

jest.setTimeout(60000);

const VIEWER_ORIGIN = 'http://localhost:3000';
const CALLBACK = `${VIEWER_ORIGIN}/kheops/callback`;
const CLIENT_ID = 'ohif-viewer';
const OIDC = '/realms/kheops/protocol/openid-connect';

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  token_type?: string;
  expires_in: number;
  [key: string]: unknown;
}

/** Orthanc stand-in: every forwarded request answers 200. */
function startUpstream(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end('[]'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits })),
  );
}

function authorizationUrl(base: string, params: Record<string, string>): { url: URL; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const url = new URL(`${base}${OIDC}/auth`);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'state-1',
    ...params,
  }).toString();
  return { url, verifier };
}

/** A sign-in at the login form; `params` go into the authorization request (no nonce unless given). */
async function authorize(base: string, jar: CookieJar, params: Record<string, string> = {}, user = 'alice') {
  const { url, verifier } = authorizationUrl(base, { login_hint: user, ...params });
  const first = await fetch(url, { redirect: 'manual' });
  jar.store(first);
  const loginPage = new URL(first.headers.get('location') ?? '', base);
  expect(loginPage.pathname).toMatch(/^\/interaction\/[\w-]+$/);
  const callback = await followToViewer(jar, VIEWER_ORIGIN, `${loginPage.href}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password: user }).toString(),
  });
  return { callback, verifier };
}

function tokenRequest(base: string, params: Record<string, string>, origin = VIEWER_ORIGIN): Promise<Response> {
  return fetch(`${base}${OIDC}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...params }).toString(),
  });
}

async function redeem(base: string, callback: URL, verifier: string): Promise<Tokens> {
  const response = await tokenRequest(base, { grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CALLBACK, code_verifier: verifier });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function signIn(base: string, params: Record<string, string> = {}, user = 'alice'): Promise<Tokens> {
  const { callback, verifier } = await authorize(base, new CookieJar(), params, user);
  return redeem(base, callback, verifier);
}

function refresh(base: string, refreshToken: string | undefined): Promise<Response> {
  return tokenRequest(base, { grant_type: 'refresh_token', refresh_token: refreshToken ?? '' });
}

function revoke(base: string, token: string | undefined, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${OIDC}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: VIEWER_ORIGIN },
    body: new URLSearchParams({ client_id: CLIENT_ID, token: token ?? '', ...extra }).toString(),
  });
}

async function expectRefusal(response: Response, description: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: description });
}

describe('the stand-in as KHEOPS\'s Keycloak realm (STANDIN_PROVIDER=keycloak)', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let standin: StandinProcess;
  let base: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: upstream.url, STANDIN_TEST_CONTROLS: '1', STANDIN_PROVIDER: 'keycloak' });
    base = standin.url;
  });

  afterAll(async () => {
    await stopProcess(standin?.child);
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  test('discovery lists what Keycloak lists: no "none" auth method, plain and S256, refresh_token, the iss parameter', async () => {
    const response = await fetch(`${base}/realms/kheops/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: `${base}/realms/kheops`,
      authorization_endpoint: `${base}${OIDC}/auth`,
      token_endpoint: `${base}${OIDC}/token`,
      jwks_uri: `${base}${OIDC}/certs`,
      revocation_endpoint: `${base}${OIDC}/revoke`,
      end_session_endpoint: `${base}${OIDC}/logout`,
      code_challenge_methods_supported: ['plain', 'S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(discovery.token_endpoint_auth_methods_supported).not.toContain('none');
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(discovery.scopes_supported).not.toContain('write');
  });

  test('a sign-in without nonce: iss and session_state on the redirect, Keycloak\'s token response and tokens', async () => {
    const { callback, verifier } = await authorize(base, new CookieJar());
    expect(callback.searchParams.get('iss')).toBe(`${base}/realms/kheops`);
    expect(callback.searchParams.get('session_state')).toEqual(expect.any(String));

    const tokens = await redeem(base, callback, verifier);
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      scope: 'openid profile',
      session_state: callback.searchParams.get('session_state'),
      'not-before-policy': 0,
      refresh_expires_in: expect.any(Number),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });

    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({ iss: `${base}/realms/kheops`, sub: 'alice', azp: CLIENT_ID, aud: 'account', scope: 'openid profile', typ: 'Bearer' });
    expect(access.client_id).toBeUndefined();

    const id = decodeJwt(tokens.id_token ?? '');
    expect(id).toMatchObject({ sub: 'alice', aud: CLIENT_ID, azp: CLIENT_ID, name: 'Alice Martin', preferred_username: 'alice' });
    expect(id.nonce).toBeUndefined();
  });

  test('a nonce, when sent, is in the ID token, refreshed ones included', async () => {
    const tokens = await signIn(base, { nonce: 'n-1' });
    expect(decodeJwt(tokens.id_token ?? '').nonce).toBe('n-1');
    const refreshed = (await (await refresh(base, tokens.refresh_token)).json()) as Tokens;
    expect(decodeJwt(refreshed.id_token ?? '').nonce).toBe('n-1');
  });

  test('error redirects carry iss too; prompt=none without a session is login_required', async () => {
    const { url } = authorizationUrl(base, { prompt: 'none' });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('iss')).toBe(`${base}/realms/kheops`);
  });

  test('prompt=none ignores login_hint: the signed-in person wins silently', async () => {
    const jar = new CookieJar();
    await authorize(base, jar, {}, 'alice');
    const { url, verifier } = authorizationUrl(base, { prompt: 'none', login_hint: 'bob' });
    const callback = await followToViewer(jar, VIEWER_ORIGIN, url.href);
    expect(callback.searchParams.get('error')).toBeNull();
    const tokens = await redeem(base, callback, verifier);
    expect(decodeJwt(tokens.access_token).sub).toBe('alice');
  });

  test('every refresh gives a new refresh token and an ID token; replaced ones stay valid ("Revoke Refresh Token" off)', async () => {
    const first = await signIn(base);
    const second = (await (await refresh(base, first.refresh_token)).json()) as Tokens;
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.id_token).toEqual(expect.any(String));
    expect((await refresh(base, first.refresh_token)).status).toBe(200);
    expect((await refresh(base, second.refresh_token)).status).toBe(200);
  });

  test('refusals are 400 invalid_grant with Keycloak\'s descriptions', async () => {
    await expectRefusal(await refresh(base, 'not-a-refresh-token'), 'Invalid refresh token');
    const { callback, verifier } = await authorize(base, new CookieJar());
    const code = callback.searchParams.get('code') ?? '';
    await expectRefusal(await tokenRequest(base, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: `${verifier}x` }), 'PKCE verification failed: Code mismatch');
    await expectRefusal(await tokenRequest(base, { grant_type: 'authorization_code', code: 'spent', redirect_uri: CALLBACK, code_verifier: verifier }), 'Code not valid');
  });

  test('revocation: 200 without body or Content-Type; an unknown token: 200 with {"error":"invalid_token"}', async () => {
    const tokens = await signIn(base);
    const revoked = await revoke(base, tokens.refresh_token);
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('content-type')).toBeNull();
    expect(await revoked.text()).toBe('');
    expect((await refresh(base, tokens.refresh_token)).status).toBe(400);

    const accessRevoked = await revoke(base, tokens.access_token, { token_type_hint: 'access_token' });
    expect(accessRevoked.status).toBe(200);
    expect(await accessRevoked.text()).toBe('');

    const unknown = await revoke(base, 'garbage');
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
    // Its session is gone once revoked: the same answer as for garbage.
    expect(await (await revoke(base, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_token' });
  });

  test('CORS: the Web Origin is echoed with credentials; another origin gets no CORS header but its request is processed', async () => {
    const allowed = await refresh(base, (await signIn(base)).refresh_token);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(VIEWER_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    const { callback, verifier } = await authorize(base, new CookieJar());
    const params = { grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CALLBACK, code_verifier: verifier };
    const foreign = await tokenRequest(base, params, 'http://elsewhere.example');
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // The code is spent although the foreign page could not read the answer.
    await expectRefusal(await tokenRequest(base, params), 'Code not valid');

    const preflight = await fetch(`${base}${OIDC}/token`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });

  test('the DICOMweb gateway (KHEOPS) takes the realm\'s tokens with the user\'s own rights', async () => {
    const tokens = await signIn(base);
    const read = await fetch(`${base}/api/studies`, { headers: { authorization: `bearer ${tokens.access_token}` } });
    expect(read.status).toBe(200);
    const store = await fetch(`${base}/api/studies`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/dicom' }, body: 'DICM' });
    expect(store.status).toBe(200);

    await fetch(`${base}/__test/read-only`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bob', readOnly: true }) });
    const bob = await signIn(base, {}, 'bob');
    expect(decodeJwt(bob.access_token).scope).toBe('openid profile');
    const refused = await fetch(`${base}/api/studies`, { method: 'POST', headers: { authorization: `Bearer ${bob.access_token}`, 'content-type': 'application/dicom' }, body: 'DICM' });
    expect(refused.status).toBe(403);
    expect((await fetch(`${base}/api/studies`, { headers: { authorization: `Bearer ${bob.access_token}` } })).status).toBe(200);
  });

  test('no token ever reaches the log output', () => {
    expect(standin.output()).not.toMatch(/eyJ[\w-]{10,}\./);
  });
});

describe('the Keycloak profile with "Revoke Refresh Token" on (STANDIN_KEYCLOAK_REVOKE_REFRESH_TOKEN=1)', () => {
  let standin: StandinProcess;

  beforeAll(async () => {
    standin = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: 'http://127.0.0.1:9', STANDIN_PROVIDER: 'keycloak', STANDIN_KEYCLOAK_REVOKE_REFRESH_TOKEN: '1' });
  });
  afterAll(() => stopProcess(standin?.child));

  test('a replaced refresh token is refused as "Stale token"', async () => {
    const first = await signIn(standin.url);
    const second = await refresh(standin.url, first.refresh_token);
    expect(second.status).toBe(200);
    await expectRefusal(await refresh(standin.url, first.refresh_token), 'Stale token');
  });
});
