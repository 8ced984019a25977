// check-config against real providers that list less than they do: the stand-in in its Keycloak
// profile and a real Glewlwyd (Debian package, started as the test stack starts it). Each must come
// out with no failure; each broken configuration fed to the check gets its one exact message.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { renderAppConfigScript } from '../../platform-config/src/app-config';
import { standinAppConfig } from '../../platform-config/src/examples';
import { DEMO_USERS } from '../kheops-standin/src/accounts';
import { glewlwydUsers, startGlewlwyd, type RunningGlewlwyd } from '../stack/glewlwyd';
import { freePort, type LoopbackServer } from './support/loopback';
import { startStandinProcess, startUnreachedOrthanc, stopProcess, type StandinProcess } from './support/standin-process';

jest.setTimeout(90_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'platform-config', 'bin', 'check-config.ts');
const VIEWER_ORIGIN = 'http://localhost:3000';

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'check-config-providers-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface ProcessResult {
  code: number | null;
  stdout: string;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise(resolve => child.once('close', code => resolve({ code, stdout })));
}

function lines(stdout: string, mark: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith(`${mark} `));
}

function line(stdout: string, name: string): string | undefined {
  return stdout.split('\n').find(text => text.slice(2).startsWith(`${name}: `));
}

function configFile(name: string, instance: { issuer: string; dicomWebRoot: string; scope?: string }, change: (config: Config) => void = () => undefined): string {
  const config = standinAppConfig(VIEWER_ORIGIN, { clientId: 'ohif-viewer', ...instance }) as Config;
  // The stand-in's builder asks for its own scopes; a real provider's entry names its own, and lets
  // KHEOPS decide who saves (what docs/kheops-setup.md recommends for Keycloak) unless a test says otherwise.
  if (instance.scope) Object.assign(config.kheopsAuth.issuers[0], { scope: instance.scope, savePermission: 'server-decides' });
  change(config);
  const file = path.join(workDir, name);
  writeFileSync(file, renderAppConfigScript(config));
  return file;
}

let upstream: LoopbackServer;
const children: ChildProcess[] = [];
beforeAll(async () => {
  upstream = await startUnreachedOrthanc();
});
afterAll(async () => {
  await Promise.all(children.map(stopProcess));
  await upstream.close();
});

async function standin(env: Record<string, string> = {}): Promise<StandinProcess> {
  const started = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: upstream.url, ...env });
  children.push(started.child);
  return started;
}

describe('check-config against the stand-in playing Keycloak (STANDIN_PROVIDER=keycloak)', () => {
  let keycloak: StandinProcess;
  let realm: { issuer: string; dicomWebRoot: string; scope: string };
  beforeAll(async () => {
    keycloak = await standin({ STANDIN_PROVIDER: 'keycloak' });
    realm = { issuer: `${keycloak.url}/realms/kheops`, dicomWebRoot: `${keycloak.url}/api`, scope: 'openid profile' };
  });

  it('passes, and names the missing "none" auth method and the 200 with an error body as handled quirks', async () => {
    const result = await runCli([configFile('keycloak.js', realm)]);

    expect(lines(result.stdout, '✗')).toEqual([]);
    expect(result.code).toBe(0);
    expect(line(result.stdout, 'refresh tokens')).toBe('✓ refresh tokens: listed in grant_types_supported, and probed ok: a made-up refresh token is judged on its merits (invalid_grant)');
    expect(line(result.stdout, 'redirect URIs')).toBe(
      `✓ redirect URIs: probed ok: ${VIEWER_ORIGIN}/kheops/callback and ${VIEWER_ORIGIN}/kheops/popup-callback accepted for client "ohif-viewer" (the provider went on to its sign-in)`,
    );
    expect(line(result.stdout, 'quirks')).toBe(
      `✓ quirks: ${realm.issuer}: no "none" token endpoint auth method listed (handled: the viewer sends client_id alone, and the token endpoint took it (probed)); revocation answered 200 with {"error":"invalid_token"} (handled: the viewer takes any 2xx as revoked (RFC 7009 §2.2))`,
    );
    expect(result.stdout).toContain('All checks passed.');
  });

  it('fails savePermission { scope: "write" }: Keycloak tokens carry no such scope', async () => {
    const file = configFile('keycloak-write.js', { ...realm, scope: 'openid profile write' }, config => (config.kheopsAuth.issuers[0].savePermission = { scope: 'write' }));

    const result = await runCli([file]);

    expect(lines(result.stdout, '✗')).toEqual([
      `✗ save permission: kheopsAuth.issuers[0].savePermission needs scope "write", which ${realm.issuer} does not offer (scopes_supported: openid profile offline_access): its tokens never carry it, so saving is never offered. Use "server-decides" (KHEOPS then decides per album, as it does for Keycloak tokens), or define the scope at the provider`,
    ]);
    expect(result.code).toBe(1);
  });

  it('fails a callback route that is not a registered redirect URI', async () => {
    const file = configFile('keycloak-callback.js', realm, config => (config.kheopsAuth.routes = { callback: '/kheops/signed-in' }));

    const result = await runCli([file]);

    expect(lines(result.stdout, '✗')).toEqual([
      `✗ redirect URIs: the provider refuses the viewer's authorization request for client "ohif-viewer" with redirect_uri ${VIEWER_ORIGIN}/kheops/signed-in (HTTP 400, its own error page): register ${VIEWER_ORIGIN}/kheops/signed-in as redirect URI of client "ohif-viewer" (exact match), and check the client id`,
    ]);
    expect(result.code).toBe(1);
  });

  it('fails a client id the provider does not take as a public client', async () => {
    const file = configFile('keycloak-client.js', realm, config => (config.kheopsAuth.issuers[0].clientId = 'kheops-ui-confidential'));

    const result = await runCli([file]);

    expect(line(result.stdout, 'refresh tokens')).toBe(
      '✗ refresh tokens: the token endpoint refuses client "kheops-ui-confidential" without a secret (HTTP 401 invalid_client): the viewer is a public client and has none. Make the client public (Keycloak: "Client authentication" off) with the authorization code and refresh grants',
    );
    expect(line(result.stdout, 'redirect URIs')).toMatch(/^✗ redirect URIs: the provider refuses the viewer's authorization request for client "kheops-ui-confidential"/);
    expect(result.code).toBe(1);
  });
});

describe('check-config offline', () => {
  it('flags the example hosts of the Keycloak example file without the network', async () => {
    const result = await runCli([path.join(REPO_ROOT, 'platform-config', 'app-config.kheops-keycloak.js'), '--offline']);

    expect(lines(result.stdout, '✗')).toEqual([
      "✗ placeholder hosts: extensions[0], modes[0], kheopsAuth.issuers[0].issuer, kheopsAuth.issuers[0].dicomWebRoot, dataSources[0].configuration.qidoRoot, dataSources[0].configuration.wadoRoot, dataSources[0].configuration.wadoUriRoot use viewer.example.org, keycloak.example.org, kheops.example.org, reserved for examples (RFC 2606); put the deployment's own hosts there",
    ]);
    expect(result.code).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// A real Glewlwyd: no refresh_token grant listed, no "none" method, no iss flag, empty 400s, 401 on revocation.

/** Alice signs in at Glewlwyd through its own login API (what its pages do) and the viewer gets tokens. */
async function aliceRefreshToken(glewlwyd: RunningGlewlwyd): Promise<string> {
  const signIn = await fetch(`${glewlwyd.url}/api/auth/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice' }) });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.getSetCookie().map(text => text.split(';')[0]).join('; ');
  const grant = await fetch(`${glewlwyd.url}/api/auth/grant/${glewlwyd.clientId}`, { method: 'PUT', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ scope: glewlwyd.scope }) });
  expect(grant.status).toBe(200);
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${VIEWER_ORIGIN}/kheops/callback`;
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: glewlwyd.clientId,
    redirect_uri: redirectUri,
    scope: glewlwyd.scope,
    state: 'check-config',
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  // g_continue: the "Continue" a person clicks on Glewlwyd's page.
  const authorization = await fetch(`${glewlwyd.issuer}/auth?${params}&g_continue`, { headers: { Cookie: cookie }, redirect: 'manual' });
  const code = new URL(authorization.headers.get('location') ?? 'http://invalid/').searchParams.get('code');
  if (!code) throw new Error(`Glewlwyd gave no code: ${authorization.status} ${authorization.headers.get('location')}`);
  const tokens = await fetch(glewlwyd.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: glewlwyd.clientId }),
  });
  expect(tokens.status).toBe(200);
  return ((await tokens.json()) as { refresh_token: string }).refresh_token;
}

describe('check-config against a real Glewlwyd', () => {
  let glewlwyd: RunningGlewlwyd;
  let gateway: StandinProcess;
  let instance: { issuer: string; dicomWebRoot: string; scope: string };

  beforeAll(async () => {
    gateway = await standin();
    glewlwyd = await startGlewlwyd({
      port: await freePort(),
      workDir: path.join(workDir, 'glewlwyd'),
      client: { clientId: 'ohif-viewer', redirectUris: [`${VIEWER_ORIGIN}/kheops/callback`, `${VIEWER_ORIGIN}/kheops/popup-callback`], postLogoutRedirectUris: [`${VIEWER_ORIGIN}/`] },
      users: glewlwydUsers(DEMO_USERS),
    });
    // The stand-in's gateway is the DICOMweb root: check-config only needs its 401 and CORS.
    instance = { issuer: glewlwyd.issuer, dicomWebRoot: `${gateway.url}/api`, scope: glewlwyd.scope };
  });
  afterAll(async () => {
    await glewlwyd?.stop();
  });

  it('passes without a false failure: refresh not checked, revocation by client_id refused as a warning, every quirk named', async () => {
    const result = await runCli([configFile('glewlwyd.js', instance)]);

    expect(lines(result.stdout, '✗')).toEqual([]);
    expect(result.code).toBe(0);
    expect(line(result.stdout, 'refresh tokens')).toBe(
      "- refresh tokens: not checked: refresh_token is not listed in grant_types_supported, which some providers omit although they renew (Glewlwyd), and a made-up refresh token got HTTP 400 with an empty body, which does not tell whether the grant is offered; to try a real renewal, pass --renew-with <issuer> and a refresh token in CHECK_CONFIG_REFRESH_TOKEN",
    );
    expect(line(result.stdout, 'revocation')).toBe(
      `! revocation: ${glewlwyd.issuer}/revoke refuses a revocation from the public client (client_id, no secret): HTTP 401, empty body. The viewer then sends it again with the access token as Bearer (listed in revocation_endpoint_auth_methods_supported; not probed: that needs a real token); should that be refused too, sign-out says the session stays valid at the provider and still clears every tab`,
    );
    expect(line(result.stdout, 'quirks')).toBe(
      `✓ quirks: ${glewlwyd.issuer}: RFC 9207 iss parameter not advertised (handled: the viewer requires iss only when discovery announces it, and checks it whenever present); no "none" token endpoint auth method listed (handled: the viewer sends client_id alone, as public clients do); token endpoint refusals with an empty body (handled: any 4xx refresh answer ends the session with the sign-in prompt); refresh_token grant not listed in grant_types_supported (handled: the viewer renews with any refresh token it is given); CORS "*" with credentials allowed (handled: the viewer sends no cookies to the token endpoint, so browsers accept the wildcard); revocation by client_id refused (HTTP 401) (handled: the viewer retries with the access token as a Bearer credential, which discovery offers)`,
    );
    expect(result.stdout).toContain('No check failed (1 warning, 1 not checked).');
  });

  it('renews once with a refresh token handed over in the environment, and names what only a real answer shows', async () => {
    const refreshToken = await aliceRefreshToken(glewlwyd);

    const result = await runCli([configFile('glewlwyd-renew.js', instance), '--renew-with', glewlwyd.issuer], { CHECK_CONFIG_REFRESH_TOKEN: refreshToken });

    expect(lines(result.stdout, '✗')).toEqual([]);
    expect(line(result.stdout, 'refresh tokens')).toBe('✓ refresh tokens: probed ok with the refresh token given: renewed (a new refresh token came back: the given one may now be spent); the new tokens were dropped unread');
    expect(line(result.stdout, 'quirks')).toContain('token_type "bearer" (handled: the viewer always sends "Authorization: Bearer"); no id_token on refresh (handled: the signed-in person carries over from the sign-in)');
    expect(result.stdout).not.toContain(refreshToken);
  });

  it('fails savePermission { scope } when the scope is not asked for, although Glewlwyd offers it', async () => {
    const file = configFile('glewlwyd-save.js', { ...instance, scope: 'openid profile' }, config => (config.kheopsAuth.issuers[0].savePermission = { scope: 'write' }));

    const result = await runCli([file]);

    // Found before any request (by the extension's validator, once it knows the key, or by the check itself).
    expect(lines(result.stdout, '✗')).toEqual([expect.stringMatching(/^✗ (save permission|configuration): kheopsAuth\.issuers\[0\]\.savePermission.*never granted.*add it to scope or use "server-decides"$/)]);
    expect(result.code).toBe(1);
  });

  it('fails a popup callback that is not registered at Glewlwyd', async () => {
    const file = configFile('glewlwyd-popup.js', instance, config => (config.kheopsAuth.routes = { popupCallback: '/kheops/popup' }));

    const result = await runCli([file]);

    expect(lines(result.stdout, '✗')).toEqual([
      `✗ redirect URIs: the provider refuses the viewer's authorization request for client "ohif-viewer" with redirect_uri ${VIEWER_ORIGIN}/kheops/popup (HTTP 403, its own error page): register ${VIEWER_ORIGIN}/kheops/popup as redirect URI of client "ohif-viewer" (exact match), and check the client id`,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Answers no provider in the stack gives, in the shapes real ones use: an authorization error sent
// back to the redirect URI (with RFC 9207 iss, not advertised), and a revocation refused with an
// empty 401 by a provider that offers no other way for a public client.

interface FixtureProvider {
  url: string;
  close(): Promise<void>;
}

async function startFixtureProvider(authorizationError: { error: string; error_description: string }): Promise<FixtureProvider> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const cors = { 'Access-Control-Allow-Origin': req.headers.origin ?? '*' };
    if (url.pathname === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          revocation_endpoint: `${base}/revoke`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['none'],
          authorization_response_iss_parameter_supported: false,
        }),
      );
    } else if (url.pathname === '/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.search = new URLSearchParams({ ...authorizationError, state: url.searchParams.get('state') ?? '', iss: base }).toString();
      res.writeHead(302, { Location: back.toString() }).end();
    } else if (url.pathname === '/token') {
      res.writeHead(400, { 'Content-Type': 'application/json', ...cors }).end(JSON.stringify({ error: 'invalid_grant' }));
    } else if (url.pathname === '/revoke') {
      res.writeHead(401).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, close: () => new Promise(resolve => server.close(() => resolve())) };
}

describe('check-config against answers the stack does not give', () => {
  let gateway: StandinProcess;
  beforeAll(async () => {
    gateway = await standin();
  });

  it("fails a provider that refuses the viewer's nonce, and names iss sent but not advertised", async () => {
    const provider = await startFixtureProvider({ error: 'invalid_request', error_description: 'nonce must be at most 16 characters' });
    try {
      const result = await runCli([configFile('nonce.js', { issuer: provider.url, dicomWebRoot: `${gateway.url}/api` })]);

      expect(lines(result.stdout, '✗')).toEqual(["✗ nonce: the provider refuses the viewer's nonce: invalid_request (nonce must be at most 16 characters); nobody can sign in"]);
      expect(line(result.stdout, 'redirect URIs')).toBe(
        `✓ redirect URIs: probed ok: the provider sends its answers to ${VIEWER_ORIGIN}/kheops/callback and ${VIEWER_ORIGIN}/kheops/popup-callback, so they are registered`,
      );
      expect(line(result.stdout, 'quirks')).toContain('RFC 9207 iss sent but not advertised (handled: the viewer checks iss whenever it is present)');
      expect(result.code).toBe(1);
    } finally {
      await provider.close();
    }
  });

  it('fails an authorization request refused for another reason, naming the scope asked for', async () => {
    const provider = await startFixtureProvider({ error: 'invalid_scope', error_description: 'offline_access is not allowed for this client' });
    try {
      const result = await runCli([configFile('scope.js', { issuer: provider.url, dicomWebRoot: `${gateway.url}/api` })]);

      expect(lines(result.stdout, '✗')).toEqual([
        '✗ authorization request: the provider answers the viewer\'s authorization request with invalid_scope (offline_access is not allowed for this client); nobody can sign in. Check kheopsAuth.issuers[0].scope ("openid profile offline_access read write") and the grant types and scopes the client may use',
      ]);
    } finally {
      await provider.close();
    }
  });

  it('warns that sign-out will be refused when revocation by client_id is refused and no other way is offered', async () => {
    const provider = await startFixtureProvider({ error: 'access_denied', error_description: 'unused' });
    try {
      const result = await runCli([configFile('revoke.js', { issuer: provider.url, dicomWebRoot: `${gateway.url}/api` })]);

      expect(line(result.stdout, 'revocation')).toBe(
        `! revocation: ${provider.url}/revoke refuses a revocation from the public client (client_id, no secret): HTTP 401, empty body: sign-out will be refused, so the refresh token stays valid until it expires; the viewer then clears every tab and says so. Let public clients revoke their own tokens with client_id`,
      );
    } finally {
      await provider.close();
    }
  });
});
