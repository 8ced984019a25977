import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { STATE_PREFIX } from './storage-keys';

// Stub the protocol client (oidc-client-ts) at the module boundary; keep the real state store.
const signInRequest = jest.fn();
const completeSignIn = jest.fn();
const refresh = jest.fn();
const revoke = jest.fn();
const announcesResponseIssuer = jest.fn(async () => false);
const endSessionUrl = jest.fn(async () => undefined);
jest.mock('./issuer-client', () => {
  const actual = jest.requireActual('./issuer-client');
  return {
    ...actual,
    IssuerClient: jest.fn().mockImplementation(() => ({ signInRequest, completeSignIn, refresh, revoke, announcesResponseIssuer, endSessionUrl })),
  };
});

import { User } from 'oidc-client-ts';
import { KheopsSession, type SessionServices } from './kheops-session';
import { MemorySessionChannel } from './session-channel';
import { MemoryTokenStore } from './shared-token-store';
import { tabUserKey } from './storage-keys';
import { inProcessLock } from './web-lock';

function services(store = new MemoryTokenStore()): SessionServices {
  return { store, withLock: inProcessLock, timers: { set: () => undefined, clear: () => undefined }, now: () => Date.now(), channel: new MemorySessionChannel() };
}

function setup() {
  const storage = new MemoryStorage();
  const session = new KheopsSession(testConfig(), { viewerOrigin: VIEWER, storage }, services());
  storage.setItem(`${STATE_PREFIX}abc`, JSON.stringify({ id: 'abc', authority: ISSUER, client_id: 'ohif-viewer' }));
  return { storage, session };
}

const user = (profile: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  new User({
    access_token: 'the-access-token',
    refresh_token: 'the-refresh-token',
    token_type: 'Bearer',
    scope: 'openid read write',
    expires_at: Math.floor(Date.now() / 1000) + 300,
    userState: { target: '/kheops?StudyInstanceUIDs=1.2.3' },
    profile: { sub: 'alice', name: 'Alice Martin', iss: ISSUER, aud: 'ohif-viewer', exp: 0, iat: 0, ...profile },
    ...overrides,
  });

beforeEach(() => {
  jest.clearAllMocks();
});

describe('KheopsSession.completeSignIn', () => {
  it('completes a sign-in and returns the stored target', async () => {
    const { session, storage } = setup();
    completeSignIn.mockResolvedValue(user({}));
    const result = await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc&iss=${encodeURIComponent(ISSUER)}`);
    expect(result.target).toBe('/kheops?StudyInstanceUIDs=1.2.3');
    expect(result.user?.name).toBe('Alice Martin');
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer the-access-token' });
    expect(storage.getItem('kheops-auth.active-issuer')).toBe(ISSUER);
  });

  it.each(['/kheops/login?iss=x', '/', '/kheops?StudyInstanceUIDs=<b>'])('never lands outside the allowed paths, whatever the stored state says (%s)', async target => {
    const { session } = setup();
    completeSignIn.mockResolvedValue(user({}, { userState: { target } }));
    const result = await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    expect(result.target).toBe(testConfig().defaultTarget);
  });

  it('refuses a response whose state was never issued in this tab', async () => {
    const { session } = setup();
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=forged`)).rejects.toMatchObject({ code: 'unknown_state' });
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c`)).rejects.toMatchObject({ code: 'unknown_state' });
    expect(completeSignIn).not.toHaveBeenCalled();
    expect(session.authorizationHeader()).toBeUndefined();
  });

  it('refuses a response from another issuer (RFC 9207 iss parameter)', async () => {
    const { session } = setup();
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc&iss=https%3A%2F%2Fevil.example`)).rejects.toMatchObject({
      code: 'issuer_mismatch',
    });
    expect(completeSignIn).not.toHaveBeenCalled();
  });

  it('shows the provider error as text', async () => {
    const { session } = setup();
    await expect(
      session.completeSignIn(`${VIEWER}/kheops/callback?state=abc&error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`),
    ).rejects.toMatchObject({ code: 'provider_error', message: expect.stringContaining('access_denied (<b>no</b>)') });
  });

  it('refuses an ID token from another issuer or for another client', async () => {
    const { session } = setup();
    completeSignIn.mockResolvedValue(user({ iss: 'https://evil.example' }));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(session.authorizationHeader()).toBeUndefined();

    const second = setup();
    completeSignIn.mockResolvedValue(user({ aud: ['someone-else'] }));
    await expect(second.session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'audience_mismatch' });
    expect(second.session.authorizationHeader()).toBeUndefined();
  });

  it('wraps library failures in a coded error', async () => {
    const { session } = setup();
    completeSignIn.mockRejectedValue(new Error('invalid_grant'));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'sign_in_failed' });
  });
});

describe('KheopsSession.restore', () => {
  it('picks up the user this tab already signed in', async () => {
    const { session, storage } = setup();
    storage.setItem('kheops-auth.active-issuer', ISSUER);
    storage.setItem(tabUserKey({ issuer: ISSUER, clientId: 'ohif-viewer' }), user({}).toStorageString());
    await session.restore();
    expect(session.signedInUser()?.name).toBe('Alice Martin');
  });
});

describe('token responses that must never be used', () => {
  it.each([
    ['no access token', { access_token: '' }, 'invalid_token_response'],
    ['a token type other than Bearer', { token_type: 'mac' }, 'invalid_token_response'],
    ['no lifetime', { expires_at: undefined }, 'invalid_token_response'],
  ])('refuses a sign-in with %s', async (_name, overrides, code) => {
    const { session } = setup();
    completeSignIn.mockResolvedValue(user({}, overrides));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code });
    expect(session.authorizationHeader()).toBeUndefined();
  });

  it('refuses a renewal whose ID token names another issuer and never uses what it brought', async () => {
    const { session } = setup();
    completeSignIn.mockResolvedValue(user({}));
    await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    refresh.mockResolvedValue(user({ iss: 'https://evil.example' }, { access_token: 'forged' }));
    await expect(session.renewNow()).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer the-access-token' });
    expect(session.health()).toBe('ended');
  });

  it('uses a checked renewal at once', async () => {
    const { session, storage } = setup();
    completeSignIn.mockResolvedValue(user({}));
    await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    refresh.mockResolvedValue(user({}, { access_token: 'renewed' }));
    await session.renewNow();
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer renewed' });
    expect(JSON.parse(storage.getItem(tabUserKey({ issuer: ISSUER, clientId: 'ohif-viewer' })) ?? '{}')).toMatchObject({ access_token: 'renewed' });
  });
});

describe('KheopsSession.signOut', () => {
  async function signedIn(store = new MemoryTokenStore()) {
    const storage = new MemoryStorage();
    storage.setItem(`${STATE_PREFIX}abc`, JSON.stringify({ id: 'abc', authority: ISSUER, client_id: 'ohif-viewer' }));
    const session = new KheopsSession(testConfig(), { viewerOrigin: VIEWER, storage }, services(store));
    completeSignIn.mockResolvedValue(user({}));
    await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    return { session, storage };
  }

  it('forgets the tokens in this tab and in the shared store, and revokes the newest ones', async () => {
    const store = new MemoryTokenStore();
    const { session, storage } = await signedIn(store);
    revoke.mockResolvedValue({ outcome: 'revoked' });
    const signedOut = jest.fn();
    session.onSignOut(signedOut);
    await expect(session.signOut()).resolves.toBe(true);
    expect(session.authorizationHeader()).toBeUndefined();
    expect(session.health()).toBe('signed-out');
    expect(await store.read(`${ISSUER}|alice`)).toBeUndefined();
    expect(storage.getItem(tabUserKey({ issuer: ISSUER, clientId: 'ohif-viewer' }))).toBeNull();
    expect(storage.getItem('kheops-auth.active-issuer')).toBeNull();
    expect(revoke).toHaveBeenCalledWith(expect.objectContaining({ refresh_token: 'the-refresh-token' }));
    expect(signedOut).toHaveBeenCalledWith('here');
  });

  it('takes every other tab of the same person with it', async () => {
    const store = new MemoryTokenStore();
    const first = await signedIn(store);
    const second = await signedIn(store);
    const followed = jest.fn();
    second.session.onSignOut(followed);
    revoke.mockResolvedValue({ outcome: 'revoked' });
    await first.session.signOut();
    expect(followed).toHaveBeenCalledWith('elsewhere');
    expect(second.session.authorizationHeader()).toBeUndefined();
    expect(second.storage.getItem(tabUserKey({ issuer: ISSUER, clientId: 'ohif-viewer' }))).toBeNull();
  });

  it('still forgets the tokens when the provider does not confirm the revocation', async () => {
    const store = new MemoryTokenStore();
    const { session } = await signedIn(store);
    revoke.mockRejectedValue(Object.assign(new Error('KHEOPS did not confirm the end of the session'), { code: 'sign_out_incomplete' }));
    await expect(session.signOut()).rejects.toMatchObject({ code: 'sign_out_incomplete' });
    expect(session.authorizationHeader()).toBeUndefined();
    expect(await store.read(`${ISSUER}|alice`)).toBeUndefined();
  });
});
