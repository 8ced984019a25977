// The stand-in as released KHEOPS (STANDIN_KHEOPS=released): its API accepts realm tokens by signature
// and issuer alone, hands out opaque viewer tokens that never expire by themselves but die on a
// restart, and 1-hour report-provider tokens whose end anyone can introspect.
import { decodeJwt } from 'jose';

import {
  ACCESS_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  VIEWER_ORIGIN,
  startEmptyOrthanc,
  startStandinProcess,
  stopProcess,
  type EmptyOrthanc,
  type StandinProcess,
} from './support/standin-process';

jest.setTimeout(60000);

const STUDY = '1.2.826.0.1.3680043.8.498.7';

let orthanc: EmptyOrthanc;
let released: StandinProcess;
let other: StandinProcess;
let kheops = '';
let realm = '';

beforeAll(async () => {
  orthanc = await startEmptyOrthanc();
  const orthancUrl = orthanc.url;
  released = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: orthancUrl, STANDIN_TEST_CONTROLS: '1', STANDIN_KHEOPS: 'released' });
  kheops = released.url;
  // The realm's line follows the ready line; wait for it rather than read it too early.
  for (let tries = 0; !realm && tries < 100; tries += 1) {
    realm = /realm \(issuer\): (http:\/\/127\.0\.0\.1:\d+)\/realms\/kheops/.exec(released.output())?.[1] ?? '';
    if (!realm) await new Promise(resolve => setTimeout(resolve, 50));
  }
  // Another provider whose tokens are just as well signed, but by someone else.
  other = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: orthancUrl, STANDIN_TEST_CONTROLS: '1' });
});

afterAll(async () => {
  await stopProcess(released?.child);
  await stopProcess(other?.child);
  await orthanc.close();
});

async function post(url: string, body: Record<string, string | number>, json = false): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : new URLSearchParams(Object.entries(body).map(([key, value]) => [key, String(value)])),
    redirect: 'manual',
  });
}

async function realmToken(base = realm, user = 'alice'): Promise<string> {
  const answer = (await (await post(`${base}/__test/user-token`, { user }, true)).json()) as { access_token: string };
  return answer.access_token;
}

async function studies(token: string): Promise<number> {
  return (await fetch(`${kheops}/api/studies?StudyInstanceUID=${STUDY}`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

async function viewerToken(subject: string): Promise<Response> {
  return post(`${kheops}/api/token`, {
    grant_type: TOKEN_EXCHANGE_GRANT,
    client_id: 'kheops-ui',
    subject_token: subject,
    subject_token_type: ACCESS_TOKEN_TYPE,
    scope: 'viewer read write',
    studyUID: STUDY,
  });
}

async function lastLog(): Promise<Record<string, unknown>> {
  const log = (await (await fetch(`${kheops}/__test/log`)).json()) as Array<Record<string, unknown>>;
  return log[log.length - 1] ?? {};
}

test('the realm is its own origin and KHEOPS names it nowhere but in its token check', () => {
  expect(realm).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(realm).not.toBe(kheops);
});

test('a realm access token is accepted by signature and issuer alone, whatever its audience', async () => {
  const token = await realmToken();
  expect(decodeJwt(token).aud).not.toBe(`${kheops}/api`);
  expect(await studies(token)).toBe(200);
  expect(await lastLog()).toMatchObject({ outcome: 'forwarded', kind: 'realm', sub: 'alice', scope: 'read write' });
});

test('a token of another provider is refused', async () => {
  expect(await studies(await realmToken(other.url))).toBe(401);
});

test('viewer tokens are opaque, do not expire by themselves, and die when KHEOPS restarts', async () => {
  const answer = await viewerToken(await realmToken());
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { access_token: string; expires_in: number; token_type: string };
  expect(body).toMatchObject({ expires_in: 18000, token_type: 'Bearer' });
  expect(body.access_token.split('.')).toHaveLength(5);
  expect(() => decodeJwt(body.access_token)).toThrow();
  expect(await studies(body.access_token)).toBe(200);
  expect(await lastLog()).toMatchObject({ outcome: 'forwarded', kind: 'viewer', sub: 'alice' });
  const restart = (await (await post(`${kheops}/__test/restart`, {}, true)).json()) as { viewerTokensKilled: number };
  expect(restart.viewerTokensKilled).toBeGreaterThanOrEqual(1);
  expect(await studies(body.access_token)).toBe(401);
});

test('KHEOPS renews nothing: the refresh grant is unsupported', async () => {
  const answer = await post(`${kheops}/api/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'kheops-ui' });
  expect(answer.status).toBe(400);
  expect(await answer.json()).toMatchObject({ error: 'unsupported_grant_type' });
});

test('a report-provider launch gives a 1-hour token whose end anyone can introspect; its viewer tokens end with it', async () => {
  const launch = await post(`${kheops}/api/report`, { studyUID: STUDY, client_id: 'ohif-report-provider', access_token: await realmToken() });
  expect(launch.status).toBe(302);
  const location = new URL(launch.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(`${VIEWER_ORIGIN}/kheops/report`);
  const fragment = new URLSearchParams(location.hash.slice(1));
  expect(fragment.get('expires_in')).toBe('3600');
  expect(fragment.get('conf_uri')).toBe(`${kheops}/api/.well-known/report-provider-configuration`);
  const token = fragment.get('access_token') ?? '';
  const conf = (await (await fetch(fragment.get('conf_uri') ?? '')).json()) as { introspection_endpoint: string; dicomweb_endpoint: string };
  expect(conf.dicomweb_endpoint).toBe(`${kheops}/api`);
  const introspection = (await (await post(conf.introspection_endpoint, { token })).json()) as Record<string, unknown>;
  expect(introspection).toMatchObject({ active: true, sub: 'alice', studyUID: STUDY, scope: 'read write' });
  expect(Number(introspection.exp) - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
  expect(await studies(token)).toBe(200);
  expect(await lastLog()).toMatchObject({ kind: 'report-provider', sub: 'alice' });

  // Shortened, as the e2e tests do: the token, and a viewer token made from it, end together. Five
  // seconds, so a loaded machine still uses both before the end; then the test waits for the end the
  // introspection gave (exp is in whole seconds), not for a fixed time.
  await post(`${kheops}/__test/ttl`, { reportTokenTtl: 5 }, true);
  try {
    const short = new URLSearchParams(
      new URL((await post(`${kheops}/api/report`, { studyUID: STUDY, client_id: 'ohif-report-provider', access_token: await realmToken() })).headers.get('location') ?? '').hash.slice(1),
    ).get('access_token') ?? '';
    const derived = ((await (await viewerToken(short)).json()) as { access_token: string }).access_token;
    expect(await studies(derived)).toBe(200);
    const { exp } = (await (await post(conf.introspection_endpoint, { token: short })).json()) as { exp: number };
    await new Promise(resolve => setTimeout(resolve, Math.max(0, (exp + 1) * 1000 - Date.now())));
    expect(await (await post(conf.introspection_endpoint, { token: short })).json()).toEqual({ active: false });
    expect(await studies(short)).toBe(401);
    expect(await studies(derived)).toBe(401);
  } finally {
    await post(`${kheops}/__test/ttl`, { reportTokenTtl: 3600 }, true);
  }
});

test('the realm signs the viewer in silently (prompt=none) only with a session', async () => {
  const discovery = (await (await fetch(`${realm}/realms/kheops/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string };
  const authorize = new URL(discovery.authorization_endpoint);
  Object.entries({
    client_id: 'ohif-viewer',
    response_type: 'code',
    redirect_uri: `${VIEWER_ORIGIN}/kheops/callback`,
    scope: 'openid profile',
    prompt: 'none',
    state: 'state-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).forEach(([key, value]) => authorize.searchParams.set(key, value));
  const answer = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(answer.headers.get('location') ?? '');
  expect(back.origin + back.pathname).toBe(`${VIEWER_ORIGIN}/kheops/callback`);
  expect(back.searchParams.get('error')).toBe('login_required');
});
