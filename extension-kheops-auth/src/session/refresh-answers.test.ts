/**
 * Refresh answers as real providers give them, through the real oidc-client-ts (only fetch is
 * replaced): which end the session (a refusal, whatever its body) and which only put it at risk
 * (the provider is down), and which renewed tokens are used as they come (lower-case `bearer`, no
 * new ID token, a fresh ID token of the same person).
 */
import { User } from 'oidc-client-ts';
import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { answerAsProvider, empty, idToken, json, nowSeconds, type Answer } from '../__tests__/provider-answers';
import { IssuerClient } from './issuer-client';
import { isRefreshRefused } from './refresh-refusal';
import { checkTokens } from './token-checks';
import { storePermission } from './store-permission';
import { REFRESH_TOKEN_SESSION } from './session-kind';
import type { SavePermission } from '../config/types';

const config = testConfig();
const issuer = config.issuers[0]!;

/** A signed-in user as the code exchange left it: Glewlwyd's claims, no preferred_username. */
function signedIn(): User {
  const now = nowSeconds();
  const claims = { iss: ISSUER, aud: 'ohif-viewer', sub: 'ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV', name: 'Alice Martin', email: 'alice@kheops.test', iat: now, exp: now + 300, nonce: 'n-1' };
  return new User({
    access_token: 'at-first',
    refresh_token: 'rt-first',
    token_type: 'bearer',
    scope: 'openid profile email read write',
    id_token: idToken(claims),
    profile: claims,
    expires_at: now + 20,
  });
}

async function refreshWith(answer: Answer): Promise<{ user?: User; error?: unknown; body?: URLSearchParams }> {
  const provider = answerAsProvider({ token: answer });
  try {
    const client = new IssuerClient(issuer, config.routes, { viewerOrigin: VIEWER, storage: new MemoryStorage() });
    const user = await client.refresh(signedIn());
    checkTokens(user, issuer);
    return { user, body: provider.requests[0]?.body };
  } catch (error) {
    return { error, body: provider.requests[0]?.body };
  } finally {
    provider.restore();
  }
}

describe('a refused refresh ends the session, whatever the body of the refusal', () => {
  it.each<[string, Answer]>([
    ['400 with an empty body and no Content-Type (Glewlwyd: reused, revoked or expired token)', () => empty(400)],
    ['400 invalid_grant (Keycloak, oidc-provider)', () => json({ error: 'invalid_grant', error_description: 'Token is not active' }, 400)],
    ['401 with an empty body', () => empty(401)],
    ['401 invalid_client', () => json({ error: 'invalid_client' }, 401)],
    ['403 with a text body', () => new Response('Forbidden', { status: 403 })],
  ])('%s', async (_shape, answer) => {
    const { error, body } = await refreshWith(answer);
    expect(body?.get('grant_type')).toBe('refresh_token');
    expect(error).toBeDefined();
    expect(isRefreshRefused(error)).toBe(true);
  });
});

describe('a refresh that does not get through keeps the session "at risk"', () => {
  it.each<[string, Answer]>([
    ['503 temporarily_unavailable', () => json({ error: 'temporarily_unavailable' }, 503)],
    ['500 with an empty body', () => empty(500)],
    ['502 from a proxy with an HTML page', () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } })],
    ['a network error', () => Promise.reject(new TypeError('Failed to fetch'))],
  ])('%s', async (_shape, answer) => {
    const { error } = await refreshWith(answer);
    expect(error).toBeDefined();
    expect(isRefreshRefused(error)).toBe(false);
  });
});

describe('renewed tokens in the shapes real providers send', () => {
  it('uses a lower-case "bearer" answer without an ID token, keeping the identity of the sign-in', async () => {
    const { user, error } = await refreshWith(() =>
      json({ access_token: 'at-renewed', token_type: 'bearer', expires_in: 20, scope: 'openid profile email read write', iat: nowSeconds(), refresh_token: 'rt-renewed' }),
    );
    expect(error).toBeUndefined();
    expect(user?.access_token).toBe('at-renewed');
    expect(user?.refresh_token).toBe('rt-renewed');
    expect(user?.profile.sub).toBe('ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV');
    expect(user?.profile.name).toBe('Alice Martin');
    expect(user?.id_token).toBe(signedIn().id_token);
  });

  it('uses a fresh ID token of the same person (Keycloak sends one on every refresh)', async () => {
    const now = nowSeconds();
    const { user, error } = await refreshWith(() =>
      json({
        access_token: 'at-renewed',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-renewed',
        id_token: idToken({ iss: ISSUER, aud: 'ohif-viewer', sub: 'ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV', name: 'Alice Martin-Keller', iat: now, exp: now + 300 }),
      }),
    );
    expect(error).toBeUndefined();
    expect(user?.profile.name).toBe('Alice Martin-Keller');
  });

  it.each<[string, Record<string, unknown>]>([
    ['another person', { sub: 'someone-else' }],
    ['another issuer', { iss: 'https://evil.example/api' }],
    ['another client', { aud: 'another-client' }],
  ])('refuses a fresh ID token of %s, for good', async (_case, claims) => {
    const now = nowSeconds();
    const { error } = await refreshWith(() =>
      json({
        access_token: 'at-renewed',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-renewed',
        id_token: idToken({ iss: ISSUER, aud: 'ohif-viewer', sub: 'ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV', iat: now, exp: now + 300, ...claims }),
      }),
    );
    expect(error).toBeDefined();
    expect(isRefreshRefused(error)).toBe(true);
  });
});

describe('who may save after a Keycloak renewal (its scope names no read or write)', () => {
  const keycloakRenewal: Answer = () =>
    json({ access_token: 'at-renewed', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-renewed', scope: 'openid profile email', 'not-before-policy': 0, session_state: 's-1' });

  it.each<[SavePermission, boolean]>([
    ['server-decides', true],
    [{ scope: 'write' }, false],
  ])('with savePermission %p the save is tried: %p', async (savePermission, tried) => {
    const { user, error } = await refreshWith(keycloakRenewal);
    expect(error).toBeUndefined();
    expect(user?.scopes).toEqual(['openid', 'profile', 'email']);
    const permission = storePermission({
      subject: user!.profile.sub,
      name: 'Alice Martin',
      issuer: { ...issuer, savePermission },
      expiresAt: user!.expires_at,
      scopes: user!.scopes,
      receivedAt: 0,
      kind: REFRESH_TOKEN_SESSION,
    });
    expect(permission.allowed).toBe(tried);
  });
});
