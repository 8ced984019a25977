import { User } from 'oidc-client-ts';
import { MemoryTokenStore } from './shared-token-store';
import { TokenKeeper, type SessionHealth, type TokenKeeperDeps } from './token-keeper';
import { inProcessLock } from './web-lock';

const TTL = 10;

function makeUser(n: number, nowMs: number): User {
  return new User({
    access_token: `at-${n}`,
    refresh_token: `rt-${n}`,
    token_type: 'Bearer',
    scope: 'openid read write',
    profile: { sub: 'alice', iss: 'https://kheops.example.org/api', aud: 'ohif-viewer', exp: 0, iat: 0 },
    expires_at: Math.floor(nowMs / 1000) + TTL,
  });
}

/** A provider with rotating refresh tokens: a used one is refused, like oidc-provider does. */
function rotatingProvider() {
  let issued = 1;
  const valid = new Set(['rt-1']);
  const presented: string[] = [];
  const refresh = jest.fn(async (base: User) => {
    const token = base.refresh_token ?? '';
    presented.push(token);
    if (!valid.delete(token)) throw Object.assign(new Error('grant revoked'), { error: 'invalid_grant' });
    issued += 1;
    valid.add(`rt-${issued}`);
    return makeUser(issued, Date.now());
  });
  return { refresh, presented };
}

/** The rotating provider, unreachable (the browser's network error) until it comes back. */
function unreachableProvider() {
  const provider = rotatingProvider();
  let down = true;
  const refresh = jest.fn(async (base: User) => {
    if (down) throw new TypeError('Failed to fetch');
    return provider.refresh(base);
  });
  return { refresh, comeBack: () => (down = false) };
}

function deps(store: MemoryTokenStore, refresh: TokenKeeperDeps['refresh'], health: SessionHealth[] = []): TokenKeeperDeps {
  return {
    store,
    withLock: inProcessLock,
    refresh,
    now: () => Date.now(),
    timers: { set: (callback, delay) => setTimeout(callback, delay), clear: handle => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    onHealth: value => health.push(value),
  };
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-11-29T10:00:00Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

test('renews a short-lived token at half its lifetime, and keeps doing so', async () => {
  const store = new MemoryTokenStore();
  const provider = rotatingProvider();
  const keeper = new TokenKeeper(deps(store, provider.refresh), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();

  await jest.advanceTimersByTimeAsync(4_900);
  expect(provider.refresh).not.toHaveBeenCalled();
  await jest.advanceTimersByTimeAsync(200);
  expect(provider.refresh).toHaveBeenCalledTimes(1);
  expect(keeper.current().access_token).toBe('at-2');

  await jest.advanceTimersByTimeAsync(5_000 * 10);
  expect(provider.refresh).toHaveBeenCalledTimes(11);
  // At no moment was the token in use past its expiry.
  expect(keeper.current().expires_at! * 1000).toBeGreaterThan(Date.now());
  keeper.stop();
});

test('callers in one tab share the renewal in flight', async () => {
  const store = new MemoryTokenStore();
  const provider = rotatingProvider();
  const keeper = new TokenKeeper(deps(store, provider.refresh), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  const results = await Promise.all([keeper.renew(), keeper.renew(), keeper.renew()]);
  expect(provider.refresh).toHaveBeenCalledTimes(1);
  expect(new Set(results.map(user => user.access_token))).toEqual(new Set(['at-2']));
  keeper.stop();
});

test('three tabs share one rotating refresh token: each is presented once and the grant survives', async () => {
  const store = new MemoryTokenStore();
  const provider = rotatingProvider();
  const health: SessionHealth[] = [];
  const first = makeUser(1, Date.now());
  const tabs = [0, 1, 2].map(() => new TokenKeeper(deps(store, provider.refresh, health), 'k', first, Date.now()));
  for (const tab of tabs) await tab.start();

  await jest.advanceTimersByTimeAsync(60_000);
  expect(provider.presented.length).toBeGreaterThanOrEqual(10);
  expect(new Set(provider.presented).size).toBe(provider.presented.length);
  expect(health).not.toContain('ended');
  const tokens = new Set(tabs.map(tab => tab.current().access_token));
  expect(tokens.size).toBe(1);
  tabs.forEach(tab => tab.stop());
});

test('a tab that starts later adopts the newer tokens another tab stored', async () => {
  const store = new MemoryTokenStore();
  const provider = rotatingProvider();
  const older = new TokenKeeper(deps(store, provider.refresh), 'k', makeUser(1, Date.now()), Date.now());
  await older.start();
  await older.renew();
  const stale = new TokenKeeper(deps(store, provider.refresh), 'k', makeUser(1, Date.now() - 1000), Date.now() - 1000);
  await stale.start();
  expect(stale.current().access_token).toBe('at-2');
  older.stop();
  stale.stop();
});

test('an unreachable provider puts the session at risk, then it recovers by itself', async () => {
  const store = new MemoryTokenStore();
  const { refresh, comeBack } = unreachableProvider();
  const health: SessionHealth[] = [];
  const keeper = new TokenKeeper(deps(store, refresh, health), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  await jest.advanceTimersByTimeAsync(5_000);
  expect(health).toEqual(['at-risk']);
  await jest.advanceTimersByTimeAsync(3_000);
  expect(refresh.mock.calls.length).toBeGreaterThanOrEqual(3);
  comeBack();
  await jest.advanceTimersByTimeAsync(16_000);
  expect(health).toEqual(['at-risk', 'active']);
  expect(keeper.current().access_token).not.toBe('at-1');
  expect(keeper.current().expires_at! * 1000).toBeGreaterThan(Date.now());
  keeper.stop();
});

test('a refused refresh token ends the session and stops renewing', async () => {
  const store = new MemoryTokenStore();
  const refresh = jest.fn(async () => {
    throw Object.assign(new Error('grant revoked'), { error: 'invalid_grant' });
  });
  const health: SessionHealth[] = [];
  const keeper = new TokenKeeper(deps(store, refresh, health), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  await jest.advanceTimersByTimeAsync(5_000);
  expect(health).toEqual(['ended']);
  await jest.advanceTimersByTimeAsync(60_000);
  expect(refresh).toHaveBeenCalledTimes(1);
  await expect(keeper.ensureFresh()).rejects.toMatchObject({ error: 'invalid_grant' });
  // A request refused afterwards (401) asks for a renewal again: the refused token is not presented twice.
  await expect(keeper.renewOrWait()).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(refresh).toHaveBeenCalledTimes(1);
  keeper.stop();
});

test('a refused refresh token is not presented again, but tokens another tab got by a new sign-in are adopted', async () => {
  const store = new MemoryTokenStore();
  const refresh = jest.fn(async () => {
    throw Object.assign(new Error('Bad Request (400): {}'), {});
  });
  const keeper = new TokenKeeper(deps(store, refresh), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  await jest.advanceTimersByTimeAsync(5_000);
  expect(keeper.sessionHealth()).toBe('ended');
  await store.write('k', { user: makeUser(7, Date.now()).toStorageString(), expiresAt: Math.floor(Date.now() / 1000) + TTL, receivedAt: Date.now() });
  await expect(keeper.renew()).resolves.toMatchObject({ access_token: 'at-7' });
  expect(refresh).toHaveBeenCalledTimes(1);
  keeper.stop();
});

test('a session without a refresh token ends at renewal time instead of presenting nothing', async () => {
  const store = new MemoryTokenStore();
  const refresh = jest.fn();
  const user = makeUser(1, Date.now());
  user.refresh_token = undefined;
  const health: SessionHealth[] = [];
  const keeper = new TokenKeeper(deps(store, refresh, health), 'k', user, Date.now());
  await keeper.start();
  await jest.advanceTimersByTimeAsync(5_000);
  expect(refresh).not.toHaveBeenCalled();
  expect(health).toEqual(['ended']);
  keeper.stop();
});

test('a request waiting on an unreachable provider is released by the retry that succeeds', async () => {
  const store = new MemoryTokenStore();
  const { refresh, comeBack } = unreachableProvider();
  const keeper = new TokenKeeper(deps(store, refresh), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  let released: User | undefined;
  void keeper.renewOrWait().then(user => (released = user));
  await jest.advanceTimersByTimeAsync(4_000);
  expect(released).toBeUndefined();
  comeBack();
  await jest.advanceTimersByTimeAsync(16_000);
  expect(released?.access_token).toBe('at-2');
  keeper.stop();
});

test('a request waiting for renewal is refused once the session ends', async () => {
  const store = new MemoryTokenStore();
  let calls = 0;
  const refresh = jest.fn(async () => {
    calls += 1;
    if (calls === 1) throw new TypeError('Failed to fetch');
    throw Object.assign(new Error('grant revoked'), { error: 'invalid_grant' });
  });
  const keeper = new TokenKeeper(deps(store, refresh), 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  const waiting = keeper.renewOrWait();
  const outcome = waiting.then(
    () => 'renewed',
    (error: { error?: string }) => error.error,
  );
  await jest.advanceTimersByTimeAsync(5_000);
  await expect(outcome).resolves.toBe('invalid_grant');
  keeper.stop();
});

test('marks the session as used by this tab from start to stop, and forgets the shared record for everyone', async () => {
  const store = new MemoryTokenStore();
  const held = new Set<string>();
  const presence = {
    hold: (key: string) => {
      held.add(key);
      return () => held.delete(key);
    },
    isHeld: async (key: string) => held.has(key),
  };
  const keeper = new TokenKeeper({ ...deps(store, rotatingProvider().refresh), presence }, 'k', makeUser(1, Date.now()), Date.now());
  await keeper.start();
  expect(held.has('k')).toBe(true);
  expect(await store.read('k')).toBeDefined();
  const newest = await keeper.forget();
  expect(newest.refresh_token).toBe('rt-1');
  expect(held.has('k')).toBe(false);
  expect(await store.read('k')).toBeUndefined();
});
