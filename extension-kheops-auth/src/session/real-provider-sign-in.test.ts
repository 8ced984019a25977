/**
 * Sign-in and sign-out against the answers real providers give (Glewlwyd, Keycloak), with the real
 * oidc-client-ts and the real session; only fetch and the page's navigation are replaced.
 */
import { requireValidConfig } from '../config/validate';
import { ISSUER, VIEWER } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { answerAsProvider, empty, END_SESSION_ENDPOINT, idToken, json, nowSeconds, type Answer, type SeenRequest } from '../__tests__/provider-answers';
import { beginSignIn } from './issuer-client';
import { KheopsSession } from './kheops-session';
import { MemorySessionChannel } from './session-channel';
import { MemoryTokenStore } from './shared-token-store';
import { STATE_PREFIX } from './storage-keys';
import { inProcessLock } from './web-lock';

const CALLBACK = `${VIEWER}/kheops/callback`;
const GLEWLWYD_SUB = 'ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV';

function config(extra: Record<string, unknown> = {}) {
  return requireValidConfig({ issuers: [{ issuer: ISSUER, clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api', displayName: 'Glewlwyd', ...extra }] });
}

/** Glewlwyd's code exchange answer: lower-case bearer, an ID token with the nonce, name and email, no preferred_username. */
function glewlwydTokens(nonce: string | undefined, claims: Record<string, unknown> = {}): Response {
  const now = nowSeconds();
  return json({
    token_type: 'bearer',
    access_token: 'at-glewlwyd',
    refresh_token: 'rt-glewlwyd',
    iat: now,
    expires_in: 300,
    scope: 'openid profile email read write',
    id_token: idToken({ sub: GLEWLWYD_SUB, name: 'Alice Martin', email: 'alice@kheops.test', iss: ISSUER, aud: 'ohif-viewer', exp: now + 300, iat: now, auth_time: 0, nonce, sid: 's', ...claims }),
  });
}

function harness(options: { token?: (nonce: string | undefined, request: SeenRequest) => Response; revocation?: Answer; discovery?: Record<string, unknown>; issuerEntry?: Record<string, unknown> } = {}) {
  const storage = new MemoryStorage();
  let nonce: string | undefined;
  let authorizationUrl: URL | undefined;
  const provider = answerAsProvider({
    discovery: options.discovery ?? {},
    token: request => (options.token ? options.token(nonce, request) : glewlwydTokens(nonce)),
    ...(options.revocation ? { revocation: options.revocation } : {}),
  });
  const checked = config(options.issuerEntry);
  const session = new KheopsSession(checked, { viewerOrigin: VIEWER, storage }, {
    store: new MemoryTokenStore(),
    withLock: inProcessLock,
    timers: { set: () => undefined, clear: () => undefined },
    now: () => Date.now(),
    channel: new MemorySessionChannel(),
  });
  const begin = async (): Promise<string> => {
    await beginSignIn({ kind: 'oidc', issuer: checked.issuers[0]!, loginHint: 'alice', target: '/kheops?StudyInstanceUIDs=1.2.3' }, checked.routes, { viewerOrigin: VIEWER, storage }, url => {
      authorizationUrl = new URL(url);
    });
    const key = Object.keys(Object.fromEntries(Array.from({ length: storage.length }, (_, i) => [storage.key(i), true]))).find(name => name.startsWith(STATE_PREFIX));
    if (!key) throw new Error('no sign-in state was stored');
    nonce = (JSON.parse(storage.getItem(key) ?? '{}') as { nonce?: string }).nonce;
    return key.slice(STATE_PREFIX.length);
  };
  return { session, provider, begin, authorization: () => authorizationUrl, nonce: () => nonce };
}

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('sign-in as real providers answer it', () => {
  it('sends a fresh nonce on every authorization request and checks it in the ID token', async () => {
    const first = harness();
    restore = first.provider.restore;
    const state = await first.begin();
    const sent = first.authorization()?.searchParams.get('nonce');
    expect(sent).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(sent).toBe(first.nonce());
    const signedIn = await first.session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent(ISSUER)}`);
    // Glewlwyd's claims: the name claim is shown, never the opaque sub.
    expect(signedIn.user?.name).toBe('Alice Martin');
    first.provider.restore();

    const second = harness({ token: () => glewlwydTokens('a-nonce-of-another-sign-in') });
    restore = second.provider.restore;
    const otherState = await second.begin();
    expect(second.authorization()?.searchParams.get('nonce')).not.toBe(sent);
    await expect(second.session.completeSignIn(`${CALLBACK}?code=c&state=${otherState}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({
      code: 'sign_in_failed',
      message: expect.stringContaining('nonce'),
    });
  });

  it('shows neither the opaque sub nor nothing when the ID token has no name claim at all', async () => {
    const { session, provider, begin } = harness({ token: nonce => glewlwydTokens(nonce, { name: undefined, email: undefined }) });
    restore = provider.restore;
    const state = await begin();
    const { user } = await session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent(ISSUER)}`);
    expect(user?.name).toBe('the person signed in with Glewlwyd');
  });

  it('refuses a response without iss when discovery says responses carry it (RFC 9207), before any code is sent', async () => {
    const { session, provider, begin } = harness({ discovery: { authorization_response_iss_parameter_supported: true } });
    restore = provider.restore;
    const state = await begin();
    await expect(session.completeSignIn(`${CALLBACK}?code=c&state=${state}`)).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(provider.requests).toEqual([]);
  });

  it('accepts a response without iss from a provider that does not announce it (Keycloak 16)', async () => {
    const { session, provider, begin } = harness();
    restore = provider.restore;
    const state = await begin();
    await expect(session.completeSignIn(`${CALLBACK}?code=c&state=${state}`)).resolves.toMatchObject({ target: '/kheops?StudyInstanceUIDs=1.2.3' });
  });

  it('says plainly that a code was refused (Glewlwyd: 403 invalid_code)', async () => {
    const { session, provider, begin } = harness({ token: () => json({ error: 'invalid_code' }, 403) });
    restore = provider.restore;
    const state = await begin();
    await expect(session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({
      code: 'sign_in_failed',
      message: 'Glewlwyd did not accept this sign-in (invalid_code): the sign-in code was already used or has expired.',
      hint: 'Open the study again from KHEOPS.',
    });
  });
});

describe('sign-out as real providers answer it', () => {
  async function signedIn(options: Parameters<typeof harness>[0]) {
    const h = harness(options);
    restore = h.provider.restore;
    const state = await h.begin();
    await h.session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent(ISSUER)}`);
    return h;
  }

  it('says plainly that Glewlwyd refused the revocation, and has forgotten the tokens all the same', async () => {
    const { session } = await signedIn({ revocation: () => empty(401) });
    await expect(session.signOut()).rejects.toMatchObject({
      code: 'sign_out_incomplete',
      message: 'Glewlwyd did not end the session (HTTP 401): the sign-in there stays valid until it expires. This viewer has forgotten it in every tab.',
    });
    expect(session.authorizationHeader()).toBeUndefined();
  });

  it('ends the provider session too when the issuer entry asks for it (RP-initiated logout, in a window of its own)', async () => {
    const { session } = await signedIn({ issuerEntry: { postLogoutRedirectUri: `${VIEWER}/` } });
    const opened: Array<{ replaced?: string; closed: boolean }> = [];
    const view = {
      screenX: 0,
      screenY: 0,
      outerWidth: 1200,
      outerHeight: 800,
      open: () => {
        const handle = { replaced: undefined as string | undefined, closed: false };
        opened.push(handle);
        return { location: { replace: (url: string) => (handle.replaced = url) }, close: () => (handle.closed = true) };
      },
    } as unknown as Window;
    await expect(session.signOut(view)).resolves.toBe(true);
    expect(opened).toHaveLength(1);
    const endSession = new URL(opened[0]?.replaced ?? '');
    expect(`${endSession.origin}${endSession.pathname}`).toBe(END_SESSION_ENDPOINT);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${VIEWER}/`);
    expect(endSession.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
  });
});
