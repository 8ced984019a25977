// The code form of released KHEOPS's report providers (stand-in, report-code.ts) against the bridge's
// own assertion and provider document: the bridge passes KHEOPS's checks, and each deviation from them
// (audience, algorithm, kid, jti, issuer/subject, lifetime, redirect_uri) is refused.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';

import { clientAssertion, CLIENT_ASSERTION_TYPE } from '../../report-provider-bridge/src/client-assertion';
import { trustedConfigurationRoot } from '../../report-provider-bridge/src/kheops-client';
import { SeenCodes, SEEN_CODE_LIFETIME_MS } from '../../report-provider-bridge/src/seen-codes';
import { SessionCookie, type BridgeSession } from '../../report-provider-bridge/src/session-cookie';
import { loadSigningKeys } from '../../report-provider-bridge/src/signing-keys';
import { CODE_TTL_SECONDS, CodeFormRefusal, ReportCodes, type CodeProviderRegistration } from '../kheops-standin/src/released/report-code';

const ROOT = 'http://127.0.0.1:9990/api';
const TOKEN_ENDPOINT = `${ROOT}/token`;
const CONFIGURATION_URL = 'http://localhost:3999/kheops-bridge/.well-known/report-provider-configuration';
const REDIRECT_URI = 'http://localhost:3999/kheops-bridge/launch';
const JWKS_URI = 'http://localhost:3999/kheops-bridge/jwks.json';
const CLIENT_ID = 'album-client-1';
const registration: CodeProviderRegistration = { clientId: CLIENT_ID, name: 'OHIF (bridge)', configurationUrl: CONFIGURATION_URL };

function rsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const oldPem = rsaPem();
const newPem = rsaPem();

async function setUp(document: Record<string, unknown> = {}) {
  const keys = await loadSigningKeys([oldPem, newPem]);
  let now = Math.floor(Date.now() / 1000);
  const fetched: string[] = [];
  const codes = new ReportCodes(
    ROOT,
    async url => {
      fetched.push(url);
      if (url === CONFIGURATION_URL) {
        return { redirect_uri: REDIRECT_URI, response_type: 'code', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks_uri: JWKS_URI, ...document };
      }
      if (url === JWKS_URI) return keys.jwks;
      throw new Error(`unexpected fetch ${url}`);
    },
    () => now,
  );
  const code = await codes.mintCode({ sub: 'alice', studyUids: ['1.2.3'], clientId: CLIENT_ID });
  const form = (assertion: string, overrides: Record<string, string> = {}) =>
    new URLSearchParams({ grant_type: 'authorization_code', code, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion, ...overrides });
  return { keys, codes, code, form, fetched, advance: (seconds: number) => (now += seconds), now: () => now };
}

async function refusal(promise: Promise<unknown>): Promise<CodeFormRefusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CodeFormRefusal) return error;
    throw error;
  }
  throw new Error('the stand-in accepted it');
}

describe('KHEOPS code form (stand-in) and the bridge', () => {
  test('the bridge\'s assertion is accepted, the provider document is fetched on every token request, and a code is not single-use at KHEOPS', async () => {
    const { keys, codes, form, fetched, now } = await setUp();
    const first = await codes.redeem(form(await clientAssertion(keys.current, CLIENT_ID, TOKEN_ENDPOINT, now())), [registration]);
    expect(first).toMatchObject({ sub: 'alice', studyUids: ['1.2.3'], clientId: CLIENT_ID });
    // KHEOPS keeps no record of codes: the same code works again (the bridge is the one that refuses it).
    await expect(codes.redeem(form(await clientAssertion(keys.current, CLIENT_ID, TOKEN_ENDPOINT, now())), [registration])).resolves.toMatchObject({ sub: 'alice' });
    expect(fetched.filter(url => url === CONFIGURATION_URL)).toHaveLength(2);
    expect(codes.redemptions.map(r => r.outcome)).toEqual(['ok', 'ok']);
  });

  test('an assertion signed by the older published key still passes (rotation by kid)', async () => {
    const { keys, codes, form, now } = await setUp();
    const all = await loadSigningKeys([newPem, oldPem]);
    expect(all.current.kid).not.toBe(keys.current.kid);
    await expect(codes.redeem(form(await clientAssertion(all.current, CLIENT_ID, TOKEN_ENDPOINT, now())), [registration])).resolves.toBeDefined();
  });

  test.each([
    ['aud with a trailing slash', { aud: `${TOKEN_ENDPOINT}/` }],
    ['aud as a list', { aud: [TOKEN_ENDPOINT, 'https://else'] }],
    ['iss not the client_id', { iss: 'someone-else' }],
    ['sub not the client_id', { sub: 'someone-else' }],
    ['no jti', { jti: undefined }],
    ['exp more than 10 minutes ahead', { expIn: 601 + 60 }],
    ['an unknown kid', { kid: 'not-published' }],
    ['no kid', { kid: undefined }],
    ['RS384 instead of RS256', { alg: 'RS384' }],
  ])('refused: %s', async (_name, deviation: Record<string, unknown>) => {
    const { keys, codes, form, now } = await setUp();
    const key = await importPKCS8(newPem, String(deviation.alg ?? 'RS256'));
    const header: Record<string, unknown> = { alg: deviation.alg ?? 'RS256', kid: 'kid' in deviation ? deviation.kid : keys.current.kid };
    if (header.kid === undefined) delete header.kid;
    let jwt = new SignJWT({})
      .setProtectedHeader(header as { alg: string })
      .setIssuer(String('iss' in deviation ? deviation.iss : CLIENT_ID))
      .setSubject(String('sub' in deviation ? deviation.sub : CLIENT_ID))
      .setAudience(('aud' in deviation ? deviation.aud : TOKEN_ENDPOINT) as string | string[])
      .setIssuedAt(now())
      .setExpirationTime(now() + Number(deviation.expIn ?? 60));
    if (!('jti' in deviation)) jwt = jwt.setJti('a-jti');
    const problem = await refusal(codes.redeem(form(await jwt.sign(key)), [registration]));
    expect(problem.error).toBe('invalid_client');
  });

  test('refused: another redirect_uri, another assertion type, an expired code, a code of another client', async () => {
    const { keys, codes, form, advance, now } = await setUp();
    const assertion = () => clientAssertion(keys.current, CLIENT_ID, TOKEN_ENDPOINT, now());
    expect((await refusal(codes.redeem(form(await assertion(), { redirect_uri: `${REDIRECT_URI}x` }), [registration]))).error).toBe('invalid_grant');
    expect((await refusal(codes.redeem(form(await assertion(), { client_assertion_type: 'urn:other' }), [registration]))).error).toBe('invalid_client');
    expect((await refusal(codes.redeem(form(await assertion(), { client_id: 'album-client-2' }), [registration, { ...registration, clientId: 'album-client-2' }]))).message).toMatch(/client_assertion|code/);
    // Valid until exp + 60 s leeway, then not.
    advance(CODE_TTL_SECONDS + 59);
    await expect(codes.redeem(form(await assertion()), [registration])).resolves.toBeDefined();
    advance(2);
    expect((await refusal(codes.redeem(form(await assertion()), [registration]))).error).toBe('invalid_grant');
  });

  test('a provider document that is not of the code form is refused at launch', async () => {
    for (const bad of [{ response_type: 'token' }, { token_endpoint_auth_method: 'client_secret_basic' }, { token_endpoint_auth_signing_alg: 'PS256' }, { jwks_uri: 'https://elsewhere.example/jwks' }]) {
      const { codes } = await setUp(bad);
      expect((await refusal(codes.providerDocument(registration))).error).toBe('invalid_client_metadata');
    }
  });
});

describe('the bridge\'s own guards', () => {
  test('conf_uri is accepted only at a configured KHEOPS root, exactly at its configuration path', () => {
    const roots = ['http://127.0.0.1:9990'];
    expect(trustedConfigurationRoot('http://127.0.0.1:9990/api/.well-known/report-provider-configuration', roots)).toBe('http://127.0.0.1:9990');
    for (const foreign of [
      'http://127.0.0.1:9991/api/.well-known/report-provider-configuration',
      'http://127.0.0.1:9990/api/.well-known/report-provider-configuration?x=1',
      'http://127.0.0.1:9990/other/.well-known/report-provider-configuration',
      'http://user@127.0.0.1:9990/api/.well-known/report-provider-configuration',
      'not a url',
    ]) {
      expect(() => trustedConfigurationRoot(foreign, roots)).toThrow(/conf_uri/);
    }
  });

  test('a code is seen once across two replicas sharing the directory, and its record is swept after KHEOPS would refuse it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seen-codes-'));
    let now = Date.now();
    const a = new SeenCodes(dir, () => now);
    const b = new SeenCodes(dir, () => now);
    await a.init();
    expect(await a.firstSight('code-1')).toBe(true);
    expect(await b.firstSight('code-1')).toBe(false);
    expect(await b.firstSight('code-2')).toBe(true);
    expect(await a.sweep()).toBe(0);
    now += SEEN_CODE_LIFETIME_MS + 1000;
    expect(await b.sweep()).toBe(2);
    expect(await a.firstSight('code-1')).toBe(true);
  });

  test('the sealed cookie opens with any configured key (rotation), not with another one, and holds no readable token', async () => {
    const oldKey = new Uint8Array(32).fill(1);
    const newKey = new Uint8Array(32).fill(2);
    const session: BridgeSession = { sid: 's', accessToken: 'secret-token-value', expiresAt: Math.floor(Date.now() / 1000) + 3600, scopes: ['read', 'write'], dicomWebRoot: 'http://k/api', studyUids: ['1.2'] };
    const before = new SessionCookie({ keys: [oldKey], secure: false, path: '/kheops-bridge' });
    const header = await before.setCookieHeader(session, Math.floor(Date.now() / 1000));
    expect(header).toMatch(/HttpOnly; SameSite=Strict/);
    expect(header).not.toContain('secret-token-value');
    const cookie = header.split(';')[0] as string;
    const rotated = new SessionCookie({ keys: [newKey, oldKey], secure: false, path: '/kheops-bridge' });
    await expect(rotated.open(cookie)).resolves.toMatchObject({ accessToken: 'secret-token-value', studyUids: ['1.2'] });
    await expect(new SessionCookie({ keys: [newKey], secure: false, path: '/' }).open(cookie)).resolves.toBeUndefined();
    expect(new SessionCookie({ keys: [newKey], secure: true, path: '/' }).clearCookieHeader()).toMatch(/^__Host-kheops-bridge=; Path=\/;.*Secure/);
  });
});
