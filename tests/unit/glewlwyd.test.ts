// Runs a real Glewlwyd (Debian package glewlwyd + sqlite3) as the test stack configures it, and
// checks what the viewer relies on (docs: ../shared platform-facts §7), without a browser: the
// person's part (login form, consent) is done through Glewlwyd's own login API, as its webapp does.
// The stand-in gateway's check of Glewlwyd access tokens runs against it too.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/loopback';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEMO_USERS } from '../kheops-standin/src/accounts';
import { ExternalTokenVerifier } from '../kheops-standin/src/external-issuers';
import { glewlwydUsers, startGlewlwyd, type RunningGlewlwyd } from '../stack/glewlwyd';

const TIMEOUT_MS = 60_000;
const VIEWER = 'http://localhost:3999';
const REDIRECT_URI = `${VIEWER}/kheops/callback`;

let workDir: string;
let glewlwyd: RunningGlewlwyd;
let verifier: ExternalTokenVerifier;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'glewlwyd-unit-'));
  glewlwyd = await startGlewlwyd({
    port: await freePort(),
    workDir: join(workDir, 'glewlwyd'),
    client: { clientId: 'ohif-viewer', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [`${VIEWER}/`] },
    users: glewlwydUsers(DEMO_USERS),
    accessTokenTtl: 30,
  });
  verifier = new ExternalTokenVerifier([
    {
      issuer: glewlwyd.issuer,
      jwksUri: glewlwyd.jwksUri,
      userinfoEndpoint: glewlwyd.userinfoEndpoint,
      accountFor: info => glewlwydUsers(DEMO_USERS).find(user => user.email === info.email)?.username,
    },
  ]);
}, TIMEOUT_MS);

afterAll(async () => {
  await glewlwyd?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** What alice's browser does at Glewlwyd's pages: sign in with her password and grant the scopes. */
async function personSession(user = 'alice'): Promise<string> {
  const signIn = await fetch(`${glewlwyd.url}/api/auth/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: user }),
  });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.getSetCookie().map(line => line.split(';')[0]).join('; ');
  // Space-separated: a comma-separated list is refused with 401.
  const grant = await fetch(`${glewlwyd.url}/api/auth/grant/ohif-viewer`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ scope: glewlwyd.scope }),
  });
  expect(grant.status).toBe(200);
  return cookie;
}

interface Authorization {
  query?: Record<string, string>;
  omit?: string[];
}

/** The authorization request the viewer sends; returns the redirect Glewlwyd answers with. */
async function authorize(cookie: string, { query = {}, omit = [] }: Authorization = {}): Promise<{ redirect: URL; verifier: string; nonce: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'ohif-viewer',
    redirect_uri: REDIRECT_URI,
    scope: glewlwyd.scope,
    state: 'state-1',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...query,
  });
  for (const name of omit) params.delete(name);
  // g_continue: the "Continue" a person clicks on Glewlwyd's page.
  const response = await fetch(`${glewlwyd.issuer}/auth?${params}&g_continue`, { headers: { Cookie: cookie }, redirect: 'manual' });
  const location = response.headers.get('location');
  if (!location) throw new Error(`Glewlwyd answered the authorization request with ${response.status} and no redirect`);
  return { redirect: new URL(location), verifier, nonce };
}

async function tokenRequest(body: Record<string, string>): Promise<Response> {
  return fetch(`${glewlwyd.issuer}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'ohif-viewer', ...body }),
  });
}

interface Tokens {
  access_token: string;
  token_type: string;
  refresh_token: string;
  id_token?: string;
  expires_in: number;
  scope: string;
}

async function signIn(): Promise<{ tokens: Tokens; nonce: string; code: string; verifier: string }> {
  const { redirect, verifier, nonce } = await authorize(await personSession());
  const code = redirect.searchParams.get('code') ?? '';
  const response = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
  expect(response.status).toBe(200);
  return { tokens: (await response.json()) as Tokens, nonce, code, verifier };
}

async function revoke(token: string, headers: Record<string, string> = {}, clientId = true): Promise<Response> {
  return fetch(`${glewlwyd.issuer}/revoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, token_type_hint: 'refresh_token', ...(clientId ? { client_id: 'ohif-viewer' } : {}) }),
  });
}

describe('Glewlwyd as the test stack runs it', () => {
  it('announces less in discovery than it does', async () => {
    const discovery = (await (await fetch(`${glewlwyd.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(glewlwyd.issuer);
    expect(discovery.grant_types_supported).toEqual(['authorization_code', 'implicit']);
    expect(discovery.token_endpoint_auth_methods_supported).not.toContain('none');
    expect(discovery.authorization_response_iss_parameter_supported).toBeUndefined();
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.revocation_endpoint_auth_methods_supported).toContain('bearer');
    expect(discovery.end_session_endpoint).toBe(`${glewlwyd.issuer}/end_session`);
  });

  it('refuses an authorization request without nonce, and names itself (RFC 9207 iss) on the error too', async () => {
    const { redirect } = await authorize(await personSession(), { omit: ['nonce'] });
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
    expect(redirect.searchParams.get('error_description')).toBe('nonce required');
    expect(redirect.searchParams.get('iss')).toBe(glewlwyd.issuer);
  });

  it('refuses plain PKCE', async () => {
    const { redirect } = await authorize(await personSession(), { query: { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' } });
    expect(redirect.searchParams.get('code')).toBeNull();
    expect(redirect.searchParams.get('error')).not.toBeNull();
  });

  it('answers the code exchange with lower-case bearer and an ID token without preferred_username', async () => {
    const { redirect } = await authorize(await personSession());
    expect(redirect.searchParams.get('iss')).toBe(glewlwyd.issuer);
    const { tokens, nonce } = await signIn();
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(30);
    const idClaims = decodeJwt(tokens.id_token ?? '');
    expect(idClaims).toMatchObject({ iss: glewlwyd.issuer, aud: 'ohif-viewer', nonce, name: 'Alice Martin', email: 'alice@kheops.test', auth_time: 0 });
    expect(idClaims.preferred_username).toBeUndefined();
    expect(idClaims.sub).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: glewlwyd.issuer, aud: glewlwyd.scope, sub: idClaims.sub, client_id: 'ohif-viewer' });
  });

  it('answers a replayed code with 403 invalid_code and revokes what the code gave', async () => {
    const { tokens, code, verifier } = await signIn();
    const replay = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(replay.status).toBe(403);
    await expect(replay.json()).resolves.toEqual({ error: 'invalid_code' });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(400);
  });

  it('rotates refresh tokens without a new ID token, and answers reuse with an empty 400 that ends the chain', async () => {
    const { tokens } = await signIn();
    const renewed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(renewed.status).toBe(200);
    const next = (await renewed.json()) as Tokens;
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.id_token).toBeUndefined();
    expect(next.token_type).toBe('bearer');

    const reuse = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.headers.get('content-type')).toBeNull();
    expect(await reuse.text()).toBe('');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: next.refresh_token })).status).toBe(400);
  });

  it('refuses revocation by client_id alone (401, empty) and accepts it with the access token as Bearer', async () => {
    const { tokens } = await signIn();
    const refused = await revoke(tokens.refresh_token);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe('');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(200);

    const { tokens: second } = await signIn();
    const accepted = await revoke(second.refresh_token, { Authorization: `Bearer ${second.access_token}` }, false);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toBe('');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token })).status).toBe(400);
  });

  it('allows every origin with credentials', async () => {
    const response = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'nothing' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('applies a new access-token lifetime without a restart (plugin reset)', async () => {
    await glewlwyd.setAccessTokenTtl(12);
    try {
      expect((await signIn()).tokens.expires_in).toBe(12);
    } finally {
      await glewlwyd.setAccessTokenTtl(30);
    }
  });
});

describe('the stand-in gateway with Glewlwyd access tokens', () => {
  it('accepts a Glewlwyd access token as the demo account it belongs to, with its scopes', async () => {
    const { tokens } = await signIn();
    expect(verifier.handles(tokens.access_token)).toBe(true);
    const check = await verifier.check(tokens.access_token, 'write');
    expect(check).toMatchObject({ ok: true, facts: { sub: 'alice', tokenId: decodeJwt(tokens.access_token).jti } });
  });

  it('refuses Glewlwyd ID tokens and tampered access tokens', async () => {
    const { tokens } = await signIn();
    await expect(verifier.check(tokens.id_token ?? '', 'read')).resolves.toMatchObject({ ok: false, status: 401 });
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    await expect(verifier.check(forged, 'read')).resolves.toMatchObject({ ok: false, status: 401, reason: 'the token signature does not verify' });
  });

  it('leaves tokens of other issuers to the stand-in', () => {
    expect(verifier.handles('not-a-jwt')).toBe(false);
  });
});
