import { testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { MemorySessionChannel } from './session-channel';
import { KheopsSession, type SessionServices } from './kheops-session';
import { loadStaticToken, StaticTokenKeeper } from './static-token';
import { STATIC_TOKEN_KEY } from './storage-keys';
import { readTabUser } from './tab-user';
import type { SessionHealth } from './token-keeper';

function fakeClock(start = 1_000_000) {
  let now = start;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let next = 1;
  return {
    now: () => now,
    timers: {
      set: (callback: () => void, delay: number) => {
        const id = next++;
        timers.set(id, { at: now + delay, callback });
        return id;
      },
      clear: (handle: unknown) => void timers.delete(handle as number),
    },
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.callback();
        }
      }
    },
  };
}

const TOKEN = 'static-token-0123456789';

function sessionWith(clock: ReturnType<typeof fakeClock>, storage = new MemoryStorage()) {
  const services: SessionServices = {
    store: { read: async () => undefined, write: async () => undefined } as unknown as SessionServices['store'],
    withLock: async (_name, work) => work(),
    timers: clock.timers,
    now: clock.now,
    channel: new MemorySessionChannel(),
  };
  return { session: new KheopsSession(testConfig(), { viewerOrigin: 'https://viewer.example.org', storage }, services), storage };
}

describe('static tokens (viewer link, report provider)', () => {
  it('puts the token on every request, with its scopes, and cannot sign in again', async () => {
    const clock = fakeClock();
    const { session } = sessionWith(clock);
    const issuer = testConfig().issuers[0]!;
    await session.adoptStaticToken(issuer, { accessToken: TOKEN, expiresAt: clock.now() / 1000 + 3600, scopes: ['read', 'write'] });
    expect(session.authorizationHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` });
    expect(session.signedInUser()).toMatchObject({ scopes: ['read', 'write'], issuer });
    expect(session.health()).toBe('active');
    expect(session.isRenewable()).toBe(false);
    await expect(session.signInAgain()).rejects.toMatchObject({ code: 'session_not_renewable', hint: 'Open the study again from KHEOPS.' });
    await expect(session.freshAuthorizationHeader()).resolves.toEqual({ Authorization: `Bearer ${TOKEN}` });
  });

  it('ends at expiry, not before, and says so once', async () => {
    const clock = fakeClock();
    const { session } = sessionWith(clock);
    const health: SessionHealth[] = [];
    session.onHealthChange(next => health.push(next));
    await session.adoptStaticToken(testConfig().issuers[0]!, { accessToken: TOKEN, expiresAt: clock.now() / 1000 + 600, scopes: ['read'] });
    clock.advance(599_000);
    expect(session.health()).toBe('active');
    clock.advance(1_000);
    expect(session.health()).toBe('ended');
    expect(health).toEqual(['ended']);
    await expect(session.freshAuthorizationHeader()).rejects.toMatchObject({ code: 'session_not_renewable' });
  });

  it('a refused token cannot be renewed: the session ends at once', async () => {
    const clock = fakeClock();
    const { session } = sessionWith(clock);
    await session.adoptStaticToken(testConfig().issuers[0]!, { accessToken: TOKEN, expiresAt: clock.now() / 1000 + 600, scopes: ['read'] });
    await expect(session.renewNow()).rejects.toMatchObject({ code: 'session_not_renewable' });
    expect(session.health()).toBe('ended');
  });

  it('survives a reload of the tab until it expires', async () => {
    const clock = fakeClock();
    const { session, storage } = sessionWith(clock);
    await session.adoptStaticToken(testConfig().issuers[0]!, { accessToken: TOKEN, expiresAt: clock.now() / 1000 + 600, scopes: ['read'] });
    const reloaded = sessionWith(clock, storage).session;
    await reloaded.restore();
    expect(reloaded.authorizationHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` });
    expect(reloaded.isRenewable()).toBe(false);
    expect(loadStaticToken(storage, clock.now() + 601_000)).toBeUndefined();
  });

  it('after a reload, still knows when the token arrived and the way back to KHEOPS', async () => {
    const clock = fakeClock();
    const { session, storage } = sessionWith(clock);
    const arrived = clock.now();
    await session.adoptStaticToken(testConfig().issuers[0]!, { accessToken: TOKEN, expiresAt: arrived / 1000 + 3600, scopes: ['read'], end: 'known', returnUri: 'https://kheops.example.org/' });
    clock.advance(20 * 60_000);
    const reloaded = sessionWith(clock, storage).session;
    await reloaded.restore();
    expect(reloaded.signedInUser()).toMatchObject({ receivedAt: arrived, returnUri: 'https://kheops.example.org/', kind: { name: 'static-token', end: 'known' } });
  });

  it('drops a stored token of an issuer the viewer no longer trusts: never used, and it names no one', async () => {
    const clock = fakeClock();
    const storage = new MemoryStorage();
    storage.setItem(STATIC_TOKEN_KEY, JSON.stringify({ accessToken: TOKEN, expiresAt: clock.now() / 1000 + 600, scopes: ['read'], subject: 'mallory', issuer: 'https://no-longer-trusted.example.org/api' }));
    expect(readTabUser(storage, testConfig().issuers, clock.now())).toBeUndefined();
    const { session } = sessionWith(clock, storage);
    await session.restore();
    expect(session.authorizationHeader()).toBeUndefined();
    expect(storage.getItem(STATIC_TOKEN_KEY)).toBeNull();
  });

  it('the keeper alone: due only once expired', async () => {
    const clock = fakeClock();
    const keeper = new StaticTokenKeeper({ now: clock.now, timers: clock.timers }, { accessToken: TOKEN, expiresAt: clock.now() / 1000 + 10, scopes: [] });
    await keeper.start();
    expect(keeper.isDue()).toBe(false);
    clock.advance(10_000);
    expect(keeper.isDue()).toBe(true);
    expect(keeper.sessionHealth()).toBe('ended');
  });
});
