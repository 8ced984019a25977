import { User } from 'oidc-client-ts';
import { requireValidConfig } from '../config/validate';
import type { KeptLaunch } from '../launch/launch-upgrade';
import { MemoryStorage } from '../__tests__/memory-storage';
import type { CallbackExchange } from './callback-exchange';
import type { IssuerClients } from './issuer-clients';
import { readUpgradeOutcome, SilentUpgrade, type SilentUpgradeDeps } from './silent-upgrade';

const REALM = 'https://keycloak.example.org/realms/kheops';
const API = 'https://kheops.example.org/api';
const STUDY = '1.2.3.4';
const VIEWER = 'https://viewer.example.org';
const config = requireValidConfig({
  issuers: [{ issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: API, scope: 'openid profile', launches: ['viewer-link', 'report-provider'], upgradeThrough: REALM }],
});
const realm = config.issuers[0]!;

function kept(overrides: Partial<KeptLaunch> = {}): KeptLaunch {
  return { id: 'launch-1', kind: 'viewer-link', issuer: REALM, through: REALM, studyUid: STUDY, target: `/kheops?StudyInstanceUIDs=${STUDY}`, evidence: { kind: 'kheops-tab' }, scopes: ['read', 'write'], ...overrides };
}

function realmUser(sub = 'alice', name = 'Alice Martin'): User {
  return new User({ access_token: 'realm-access', token_type: 'Bearer', refresh_token: 'realm-refresh', profile: { sub, name, iss: REALM, aud: 'ohif-viewer', exp: 0, iat: 0 } });
}

function setup(
  options: { qido?: { status: number; body?: unknown }; exchange?: () => Promise<{ issuer: typeof realm; user: User }>; realmDown?: boolean } = {},
) {
  const storage = new MemoryStorage();
  const calls = { requests: [] as unknown[], navigated: [] as string[], discarded: 0, kept: [] as Array<{ issuer: string; sub: string; scopes: string[] }>, revoked: 0, fetched: [] as Array<{ url: string; auth: string | undefined }> };
  const clients = {
    of: () => ({
      signInRequest: async (args: unknown) => {
        if (options.realmDown) throw new Error('Failed to fetch');
        calls.requests.push(args);
        return { url: `${REALM}/protocol/openid-connect/auth?prompt=none`, state: 'state-1' };
      },
      revoke: async () => {
        calls.revoked += 1;
        return true;
      },
    }),
  } as unknown as IssuerClients;
  const callback = {
    storedData: async () => ({ target: kept().target, upgrade: 'launch-1' }),
    discard: async () => void (calls.discarded += 1),
    exchange: options.exchange ?? (async () => ({ issuer: realm, user: realmUser() })),
  } as unknown as CallbackExchange;
  const qido = options.qido ?? { status: 200, body: [{ '0020000D': { vr: 'UI', Value: [STUDY] } }] };
  const deps: SilentUpgradeDeps = {
    config,
    environment: { viewerOrigin: VIEWER, storage },
    clients,
    callback,
    now: () => 1_000_000,
    fetch: async (url, init) => {
      calls.fetched.push({ url, auth: init.headers.Authorization });
      return { status: qido.status, json: async () => qido.body };
    },
    keep: async (issuer, user, _receivedAt, scopes) => void calls.kept.push({ issuer: issuer.issuer, sub: user.profile.sub, scopes }),
  };
  return { upgrade: new SilentUpgrade(deps), storage, calls };
}

const answer = (query: string) => `${VIEWER}/kheops/callback?${query}&state=state-1`;

test('begin keeps the launch, then asks the realm once, silently', async () => {
  const { upgrade, calls, storage } = setup();
  await upgrade.begin(kept(), realm, url => calls.navigated.push(url));
  expect(calls.requests).toEqual([{ target: kept().target, returnTo: 'tab', prompt: 'none', upgrade: 'launch-1' }]);
  expect(calls.navigated).toHaveLength(1);
  expect(storage.getItem('kheops-auth.kept-launch')).toContain('launch-1');
});

test('login_required keeps the static session, says why, and never asks again', async () => {
  const { upgrade, calls, storage } = setup();
  await upgrade.begin(kept(), realm, () => undefined);
  const result = await upgrade.complete(answer('error=login_required'), 'launch-1');
  expect(result.target).toBe(kept().target);
  expect(result.outcome).toMatchObject({ upgraded: false });
  expect(!result.outcome.upgraded && result.outcome.reason).toContain('You are not signed in to KHEOPS');
  expect(calls.discarded).toBe(1);
  expect(calls.kept).toEqual([]);
  expect(readUpgradeOutcome(storage)).toEqual(result.outcome);
  // The kept launch was used up: a replayed answer finds nothing to upgrade.
  const replay = await upgrade.complete(answer('code=c'), 'launch-1');
  expect(replay.outcome.upgraded).toBe(false);
  expect(calls.kept).toEqual([]);
});

test('a code for the launch\'s person who reads the study becomes the session, with the launch\'s scopes', async () => {
  const { upgrade, calls, storage } = setup();
  await upgrade.begin(kept(), realm, () => undefined);
  const result = await upgrade.complete(answer('code=c'), 'launch-1');
  expect(result.outcome).toEqual({ upgraded: true, issuer: REALM, subject: 'alice', scopes: ['read', 'write'] });
  expect(calls.kept).toEqual([{ issuer: REALM, sub: 'alice', scopes: ['read', 'write'] }]);
  expect(calls.fetched).toEqual([{ url: `${API}/studies?StudyInstanceUID=${STUDY}&includefield=0020000D`, auth: 'Bearer realm-access' }]);
  expect(readUpgradeOutcome(storage)?.upgraded).toBe(true);
});

test('a code for someone else than the report launch\'s person is not used, and is revoked', async () => {
  const { upgrade, calls } = setup({ exchange: async () => ({ issuer: realm, user: realmUser('bob', 'Bob Keller') }) });
  await upgrade.begin(kept({ kind: 'report-provider', evidence: { kind: 'subject', subject: 'alice' } }), realm, () => undefined);
  const result = await upgrade.complete(answer('code=c'), 'launch-1');
  expect(!result.outcome.upgraded && result.outcome.reason).toContain('Bob Keller');
  expect(calls.kept).toEqual([]);
  expect(calls.revoked).toBe(1);
  expect(calls.fetched).toEqual([]);
});

test('a token that cannot read the study is not used', async () => {
  const { upgrade, calls } = setup({ qido: { status: 200, body: [] } });
  await upgrade.begin(kept(), realm, () => undefined);
  const result = await upgrade.complete(answer('code=c'), 'launch-1');
  expect(!result.outcome.upgraded && result.outcome.reason).toContain('cannot open this study');
  expect(calls.kept).toEqual([]);
  expect(calls.revoked).toBe(1);
});

test('a failed code exchange keeps the static session', async () => {
  const { upgrade, calls } = setup({ exchange: async () => Promise.reject(new Error('bad id token')) });
  await upgrade.begin(kept(), realm, () => undefined);
  const result = await upgrade.complete(answer('code=c'), 'launch-1');
  expect(!result.outcome.upgraded && result.outcome.reason).toContain('could not be completed');
  expect(calls.kept).toEqual([]);
});

test('an answer for another launch upgrades nothing', async () => {
  const { upgrade, calls } = setup();
  await upgrade.begin(kept(), realm, () => undefined);
  const result = await upgrade.complete(answer('code=c'), 'launch-2');
  expect(result.outcome.upgraded).toBe(false);
  expect(calls.kept).toEqual([]);
});

test('a realm that cannot be asked keeps the static session, and the tab stays', async () => {
  const { upgrade, storage } = setup({ realmDown: true });
  const navigated: string[] = [];
  expect(await upgrade.begin(kept(), realm, url => navigated.push(url))).toBe(false);
  expect(navigated).toEqual([]);
  expect(storage.getItem('kheops-auth.kept-launch')).toBeNull();
  const outcome = readUpgradeOutcome(storage);
  expect(outcome?.upgraded === false && outcome.reason).toContain('could not be reached');
});
