import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { STATE_PREFIX } from './storage-keys';

// Stub oidc-client-ts's UserManager at the module boundary; keep its real storage classes.
const signinRedirect = jest.fn();
const signinRedirectCallback = jest.fn();
const removeUser = jest.fn();
const getUser = jest.fn();
const storeUser = jest.fn();
const signinSilent = jest.fn();
jest.mock('oidc-client-ts', () => {
  const actual = jest.requireActual('oidc-client-ts');
  return {
    ...actual,
    UserManager: jest.fn().mockImplementation(() => ({
      signinRedirect,
      signinRedirectCallback,
      removeUser,
      getUser,
      storeUser,
      signinSilent,
      events: { addUserLoaded: jest.fn() },
    })),
  };
});

import { User } from 'oidc-client-ts';
import { KheopsSession, type SessionServices } from './kheops-session';
import { MemoryTokenStore } from './shared-token-store';
import { inProcessLock } from './web-lock';

function services(): SessionServices {
  return { store: new MemoryTokenStore(), withLock: inProcessLock, timers: { set: () => undefined, clear: () => undefined }, now: () => Date.now() };
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
    signinRedirectCallback.mockResolvedValue(user({}));
    const result = await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc&iss=${encodeURIComponent(ISSUER)}`);
    expect(result.target).toBe('/kheops?StudyInstanceUIDs=1.2.3');
    expect(result.user.name).toBe('Alice Martin');
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer the-access-token' });
    expect(storage.getItem('kheops-auth.active-issuer')).toBe(ISSUER);
  });

  it('refuses a response whose state was never issued in this tab', async () => {
    const { session } = setup();
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=forged`)).rejects.toMatchObject({ code: 'unknown_state' });
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c`)).rejects.toMatchObject({ code: 'unknown_state' });
    expect(signinRedirectCallback).not.toHaveBeenCalled();
    expect(session.authorizationHeader()).toBeUndefined();
  });

  it('refuses a response from another issuer (RFC 9207 iss parameter)', async () => {
    const { session } = setup();
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc&iss=https%3A%2F%2Fevil.example`)).rejects.toMatchObject({
      code: 'issuer_mismatch',
    });
    expect(signinRedirectCallback).not.toHaveBeenCalled();
  });

  it('shows the provider error as text', async () => {
    const { session } = setup();
    await expect(
      session.completeSignIn(`${VIEWER}/kheops/callback?state=abc&error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`),
    ).rejects.toMatchObject({ code: 'provider_error', message: expect.stringContaining('access_denied (<b>no</b>)') });
  });

  it('refuses an ID token from another issuer or for another client', async () => {
    const { session } = setup();
    signinRedirectCallback.mockResolvedValue(user({ iss: 'https://evil.example' }));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(removeUser).toHaveBeenCalled();

    const second = setup();
    signinRedirectCallback.mockResolvedValue(user({ aud: ['someone-else'] }));
    await expect(second.session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'audience_mismatch' });
    expect(second.session.authorizationHeader()).toBeUndefined();
  });

  it('wraps library failures in a coded error', async () => {
    const { session } = setup();
    signinRedirectCallback.mockRejectedValue(new Error('invalid_grant'));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code: 'sign_in_failed' });
  });
});

describe('KheopsSession.beginSignIn', () => {
  it('passes the login hint and keeps the target in the stored state', async () => {
    const { session } = setup();
    const config = testConfig();
    await session.beginSignIn({ kind: 'oidc', issuer: config.issuers[0]!, loginHint: 'alice', target: '/kheops?x=1' });
    expect(signinRedirect).toHaveBeenCalledWith({ state: { target: '/kheops?x=1' }, login_hint: 'alice' });
  });
});

describe('KheopsSession.restore', () => {
  it('picks up the user this tab already signed in', async () => {
    const { session, storage } = setup();
    storage.setItem('kheops-auth.active-issuer', ISSUER);
    getUser.mockResolvedValue(user({}));
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
    signinRedirectCallback.mockResolvedValue(user({}, overrides));
    await expect(session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`)).rejects.toMatchObject({ code });
    expect(session.authorizationHeader()).toBeUndefined();
    expect(removeUser).toHaveBeenCalled();
  });

  it('refuses a renewal whose ID token names another issuer and never uses what it brought', async () => {
    const { session } = setup();
    signinRedirectCallback.mockResolvedValue(user({}));
    await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    signinSilent.mockResolvedValue(user({ iss: 'https://evil.example' }, { access_token: 'forged' }));
    await expect(session.renewNow()).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer the-access-token' });
    expect(session.health()).toBe('ended');
  });

  it('uses a checked renewal at once', async () => {
    const { session } = setup();
    signinRedirectCallback.mockResolvedValue(user({}));
    await session.completeSignIn(`${VIEWER}/kheops/callback?code=c&state=abc`);
    signinSilent.mockResolvedValue(user({}, { access_token: 'renewed' }));
    await session.renewNow();
    expect(session.authorizationHeader()).toEqual({ Authorization: 'Bearer renewed' });
    expect(storeUser).toHaveBeenCalled();
  });
});
