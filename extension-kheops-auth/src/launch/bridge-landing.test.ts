import { validateConfig } from '../config/validate';
import type { KheopsAuthConfig } from '../config/types';
import { completeBridgeLanding, isBridgeLanding, type BridgeLandingBrowser } from './bridge-landing';

const ORIGIN = 'http://localhost:3102';
const STUDY = '1.2.840.1';

function config(issuer = `${ORIGIN}/kheops-bridge`): KheopsAuthConfig {
  const result = validateConfig({ issuers: [{ issuer, clientId: 'report-provider-bridge', dicomWebRoot: `${issuer}/dicomweb`, launches: ['bridge'] }] });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function browser(answer: unknown, search = `?StudyInstanceUIDs=${STUDY}`, status = 200) {
  const replaced: string[] = [];
  const asked: string[] = [];
  const b: BridgeLandingBrowser = {
    location: { origin: ORIGIN, pathname: '/kheops/bridge', search },
    replaceState: url => replaced.push(url),
    fetchSession: async url => {
      asked.push(url);
      return { ok: status === 200, status, json: async () => answer };
    },
    now: () => 1_000_000_000_000,
  };
  return { b, replaced, asked };
}

const session = () => {
  const adopted: unknown[] = [];
  return { adopted, adoptBridgeSession: async (_issuer: unknown, token: unknown) => void adopted.push(token) };
};

const active = { active: true, expires_at: 1_000_003_600, scope: 'read write', study_uids: [STUDY], sub: 'alice', return_uri: 'http://127.0.0.1:8190/' };

test('the landing route is recognised in any case, with or without a trailing slash', () => {
  expect(isBridgeLanding('/kheops/bridge')).toBe(true);
  expect(isBridgeLanding('/KHEOPS/Bridge/')).toBe(true);
  expect(isBridgeLanding('/kheops')).toBe(false);
});

test('the bridge\'s session becomes the tab\'s, with its real end, and the page moves to the study', async () => {
  const { b, replaced, asked } = browser(active);
  const s = session();
  const outcome = await completeBridgeLanding(config(), s, b);
  expect(outcome).toEqual({ kind: 'launched', target: `/kheops?StudyInstanceUIDs=${STUDY}` });
  expect(asked).toEqual([`${ORIGIN}/kheops-bridge/session`]);
  expect(s.adopted).toEqual([expect.objectContaining({ expiresAt: 1_000_003_600, end: 'known', scopes: ['read', 'write'], subject: 'alice', returnUri: 'http://127.0.0.1:8190/' })]);
  expect(replaced).toEqual([`/kheops?StudyInstanceUIDs=${STUDY}`]);
});

test.each([
  ['no session at the bridge', { active: false }, `?StudyInstanceUIDs=${STUDY}`, 'invalid_token'],
  ['a session that has ended', { ...active, expires_at: 999_999_999 }, `?StudyInstanceUIDs=${STUDY}`, 'invalid_token'],
  ['a session for another study', { ...active, study_uids: ['1.2.3'] }, `?StudyInstanceUIDs=${STUDY}`, 'invalid_uid'],
  ['no valid study UID', active, '?StudyInstanceUIDs=abc', 'invalid_uid'],
])('refused: %s', async (_name, answer, search, code) => {
  const { b, replaced } = browser(answer, search);
  const s = session();
  const outcome = await completeBridgeLanding(config(), s, b);
  expect(outcome).toMatchObject({ kind: 'refused', refusal: { code } });
  expect(s.adopted).toEqual([]);
  expect(replaced).toEqual([`/kheops/refused?code=${code}`]);
});

test('a bridge on another origin is refused before it is asked anything', async () => {
  const { b, asked } = browser(active);
  const outcome = await completeBridgeLanding(config('https://bridge.example.org/kheops-bridge'), session(), b);
  expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'untrusted_root' } });
  expect(asked).toEqual([]);
});
