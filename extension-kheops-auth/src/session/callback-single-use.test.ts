/**
 * The callback is single-use, with the real oidc-client-ts (kheops-session.test.ts stubs it): a
 * sign-in state is consumed by the first response that names it, so replaying the same callback URL
 * (from the history, a log, another tab) is refused before any code reaches the token endpoint again.
 * Only the network (fetch) and the page's navigation are replaced. The same harness checks that a
 * broken refresh answer (garbage, missing fields, wrong token type, foreign ID token) is never used.
 */
import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { TOKEN_ENDPOINT, discoveryDocument, idToken, json } from '../__tests__/provider-answers';
import { beginSignIn } from './issuer-client';
import { KheopsSession, type SessionServices } from './kheops-session';
import { MemorySessionChannel } from './session-channel';
import { MemoryTokenStore } from './shared-token-store';
import { STATE_PREFIX } from './storage-keys';
import { inProcessLock } from './web-lock';

const CALLBACK = `${VIEWER}/kheops/callback`;

interface Harness {
  session: KheopsSession;
  storage: MemoryStorage;
  tokenRequests: URLSearchParams[];
  /** Starts a sign-in as the login route does, and returns the id of the state it stored. */
  begin(): Promise<string>;
  /** What the token endpoint answers to refresh-grant requests from now on. */
  answerRefreshWith(answer: (now: number) => Response): void;
}

function harness(): Harness {
  const storage = new MemoryStorage();
  const tokenRequests: URLSearchParams[] = [];
  let nonce: string | undefined;
  let refreshAnswer: ((now: number) => Response) | undefined;
  const fetchMock = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return json(discoveryDocument({ authorization_response_iss_parameter_supported: true }));
    }
    if (url === TOKEN_ENDPOINT) {
      const body = new URLSearchParams(String(init?.body ?? ''));
      tokenRequests.push(body);
      const now = Math.floor(Date.now() / 1000);
      if (refreshAnswer && body.get('grant_type') === 'refresh_token') return refreshAnswer(now);
      return json({
        access_token: 'at-0123456789abcdef',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-0123456789abcdef',
        scope: 'openid profile offline_access read write',
        id_token: idToken({ iss: ISSUER, aud: 'ohif-viewer', sub: 'alice', iat: now, exp: now + 300, ...(nonce ? { nonce } : {}) }),
      });
    }
    return json({ error: 'not_found' }, 404);
  });
  globalThis.fetch = fetchMock as unknown as typeof fetch;

  const services: SessionServices = {
    store: new MemoryTokenStore(),
    withLock: inProcessLock,
    timers: { set: () => undefined, clear: () => undefined },
    now: () => Date.now(),
    channel: new MemorySessionChannel(),
  };
  const session = new KheopsSession(testConfig(), { viewerOrigin: VIEWER, storage }, services);

  const begin = async (): Promise<string> => {
    const before = new Set(Object.keys(storageKeys(storage)));
    // The redirect never "returns" (the page would unload); the state is stored before it is attempted.
    void beginSignIn({ kind: 'oidc', issuer: testConfig().issuers[0]!, loginHint: 'alice', target: '/kheops?StudyInstanceUIDs=1.2.3' }, testConfig().routes, { viewerOrigin: VIEWER, storage }, () => undefined);
    const deadline = Date.now() + 5_000;
    for (;;) {
      const added = Object.keys(storageKeys(storage)).filter(key => key.startsWith(STATE_PREFIX) && !before.has(key));
      if (added[0]) {
        const stored = JSON.parse(storage.getItem(added[0]) ?? '{}') as { nonce?: string };
        nonce = stored.nonce;
        return added[0].slice(STATE_PREFIX.length);
      }
      if (Date.now() > deadline) throw new Error('the sign-in stored no state');
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  };
  return { session, storage, tokenRequests, begin, answerRefreshWith: answer => (refreshAnswer = answer) };
}

function storageKeys(storage: Storage): Record<string, true> {
  const keys: Record<string, true> = {};
  for (let i = 0; i < storage.length; i++) keys[storage.key(i) as string] = true;
  return keys;
}

const originalFetch = globalThis.fetch;
afterAll(() => {
  globalThis.fetch = originalFetch;
});

describe('the sign-in callback is single-use', () => {
  it('refuses the second use of the same callback URL, without presenting the code again', async () => {
    const { session, begin, tokenRequests, storage } = harness();
    const state = await begin();
    const callbackUrl = `${CALLBACK}?code=the-code&state=${state}&iss=${encodeURIComponent(ISSUER)}`;

    const first = await session.completeSignIn(callbackUrl);
    expect(first.target).toBe('/kheops?StudyInstanceUIDs=1.2.3');
    expect(tokenRequests).toHaveLength(1);
    // PKCE, public client: a verifier and no secret.
    expect(tokenRequests[0]?.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(tokenRequests[0]?.has('client_secret')).toBe(false);
    expect(Object.keys(storageKeys(storage)).filter(key => key.startsWith(STATE_PREFIX))).toEqual([]);

    await expect(session.completeSignIn(callbackUrl)).rejects.toMatchObject({ code: 'unknown_state' });
    expect(tokenRequests).toHaveLength(1);
  });

  it('consumes the state of a refused response too, so it cannot be retried with another code', async () => {
    const { session, begin, tokenRequests } = harness();
    const state = await begin();
    await expect(session.completeSignIn(`${CALLBACK}?error=access_denied&state=${state}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(session.completeSignIn(`${CALLBACK}?code=another-code&state=${state}`)).rejects.toMatchObject({ code: 'unknown_state' });
    expect(tokenRequests).toHaveLength(0);
  });

  it('consumes the state of a response from the wrong issuer (RFC 9207), so the right one cannot follow', async () => {
    const { session, begin, tokenRequests } = harness();
    const state = await begin();
    await expect(session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent('https://evil.example')}`)).rejects.toMatchObject({
      code: 'issuer_mismatch',
    });
    await expect(session.completeSignIn(`${CALLBACK}?code=c&state=${state}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({ code: 'unknown_state' });
    expect(tokenRequests).toHaveLength(0);
  });
});

describe('refresh answers that must never be used', () => {
  const goodIdToken = (now: number, claims: Record<string, unknown> = {}) => idToken({ iss: ISSUER, aud: 'ohif-viewer', sub: 'alice', iat: now, exp: now + 300, ...claims });
  const tokens = (now: number, overrides: Record<string, unknown>) =>
    json({ access_token: 'at-renewed-0123456789', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-renewed-0123456789', id_token: goodIdToken(now), ...overrides });

  it.each([
    ['garbage instead of JSON', () => new Response('<html>proxy error</html>', { status: 200, headers: { 'Content-Type': 'text/html' } })],
    ['no access token', (now: number) => tokens(now, { access_token: undefined })],
    ['a token type other than Bearer', (now: number) => tokens(now, { token_type: 'mac' })],
    ['no lifetime', (now: number) => tokens(now, { expires_in: undefined })],
    ['an ID token from another issuer', (now: number) => tokens(now, { id_token: goodIdToken(now, { iss: 'https://evil.example/api' }) })],
    ['an ID token for another client', (now: number) => tokens(now, { id_token: goodIdToken(now, { aud: 'someone-else' }) })],
  ])('is refused when it holds %s, and the session keeps its current token', async (_name, answer) => {
    const { session, begin, answerRefreshWith } = harness();
    const state = await begin();
    await session.completeSignIn(`${CALLBACK}?code=the-code&state=${state}&iss=${encodeURIComponent(ISSUER)}`);
    const before = session.authorizationHeader();
    answerRefreshWith(answer);
    // A broken answer is either refused for good (the session ends) or treated as an outage (retried later).
    const outcome = await Promise.race([
      session.renewNow().then(
        () => 'used',
        (error: { code?: string; message?: string }) => error.code ?? error.message ?? 'refused',
      ),
      new Promise(resolve => setTimeout(() => resolve('waiting for a retry'), 200)),
    ]);
    expect(outcome).not.toBe('used');
    expect(session.health()).not.toBe('active');
    expect(session.authorizationHeader()).toEqual(before);
    expect(JSON.stringify(outcome)).not.toContain('at-renewed');
  });
});
