/**
 * Sign-out's revocation against the answers real providers give, with the real oidc-client-ts (only
 * fetch is replaced): Keycloak and oidc-provider accept `client_id` alone; Glewlwyd refuses that with
 * an empty 401 and accepts the access token as a Bearer credential when its discovery says so.
 */
import { OidcClient, User, WebStorageStateStore } from 'oidc-client-ts';
import { ISSUER, VIEWER } from '../__tests__/fixtures';
import { MemoryStorage } from '../__tests__/memory-storage';
import { answerAsProvider, empty, json, nowSeconds, type Answer, type ProviderAnswers } from '../__tests__/provider-answers';
import { revocationRefused, revokeSession } from './token-revocation';

function client(): OidcClient {
  return new OidcClient({
    authority: ISSUER,
    client_id: 'ohif-viewer',
    redirect_uri: `${VIEWER}/kheops/callback`,
    stateStore: new WebStorageStateStore({ store: new MemoryStorage() }),
  });
}

function user(expiresIn = 60): User {
  return new User({
    access_token: 'at-current',
    refresh_token: 'rt-current',
    token_type: 'bearer',
    profile: { iss: ISSUER, aud: 'ohif-viewer', sub: 'alice', iat: 0, exp: 0 },
    expires_at: nowSeconds() + expiresIn,
  });
}

async function signOutWith(revocation: Answer, discovery: Record<string, unknown> = {}, who = user()) {
  const provider: ProviderAnswers & { restore(): void } = answerAsProvider({ revocation, discovery });
  try {
    const result = await revokeSession(client(), who);
    return { result, requests: provider.requests };
  } finally {
    provider.restore();
  }
}

/** Glewlwyd 2.7: `client_id` alone is refused with an empty 401; a Bearer access token is accepted. */
const glewlwyd: Answer = request => (request.headers.get('Authorization') === 'Bearer at-current' ? empty(200) : empty(401));

describe('revocation at sign-out', () => {
  it('sends the refresh token, then the access token, with client_id and no secret (RFC 7009)', async () => {
    const { result, requests } = await signOutWith(() => empty(200));
    expect(result).toEqual({ outcome: 'revoked' });
    expect(requests.map(request => [request.body.get('token'), request.body.get('token_type_hint'), request.body.get('client_id')])).toEqual([
      ['rt-current', 'refresh_token', 'ohif-viewer'],
      ['at-current', 'access_token', 'ohif-viewer'],
    ]);
    expect(requests.every(request => !request.body.has('client_secret') && !request.headers.has('Authorization'))).toBe(true);
  });

  it('takes a 200 with an error body as done (Keycloak: the token was already invalid)', async () => {
    const { result } = await signOutWith(() => json({ error: 'invalid_token', error_description: 'Session not active' }));
    expect(result).toEqual({ outcome: 'revoked' });
  });

  it('retries a refused revocation with the access token as Bearer credential when discovery lists "bearer" (Glewlwyd)', async () => {
    const { result, requests } = await signOutWith(glewlwyd, { revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'bearer'] });
    expect(result).toEqual({ outcome: 'revoked' });
    const refreshAttempts = requests.filter(request => request.body.get('token') === 'rt-current');
    expect(refreshAttempts.map(request => request.headers.get('Authorization'))).toEqual([null, 'Bearer at-current']);
  });

  it('reports a 401 with an empty body as refused when the provider offers nothing else', async () => {
    const { result } = await signOutWith(glewlwyd, { revocation_endpoint_auth_methods_supported: ['client_secret_basic'] });
    expect(result).toEqual({ outcome: 'refused', detail: 'HTTP 401' });
  });

  it('does not present an expired access token as a credential', async () => {
    const { result, requests } = await signOutWith(glewlwyd, { revocation_endpoint_auth_methods_supported: ['bearer'] }, user(-10));
    expect(result).toEqual({ outcome: 'refused', detail: 'HTTP 401' });
    expect(requests.some(request => request.headers.has('Authorization'))).toBe(false);
  });

  it('reports a JSON refusal and an unreachable provider as refused', async () => {
    expect((await signOutWith(() => json({ error: 'invalid_client' }, 401))).result).toEqual({ outcome: 'refused', detail: 'invalid_client' });
    expect((await signOutWith(() => Promise.reject(new TypeError('Failed to fetch')))).result).toEqual({ outcome: 'refused', detail: 'the provider could not be reached' });
  });

  it('is not offered when discovery has no revocation endpoint', async () => {
    const { result, requests } = await signOutWith(() => empty(200), { revocation_endpoint: undefined });
    expect(result).toEqual({ outcome: 'not-offered' });
    expect(requests).toEqual([]);
  });

  it('says plainly what a refusal means, without any token', () => {
    const error = revocationRefused('Glewlwyd', 'HTTP 401');
    expect(error.code).toBe('sign_out_incomplete');
    expect(error.message).toBe('Glewlwyd did not end the session (HTTP 401): the sign-in there stays valid until it expires. This viewer has forgotten it in every tab.');
  });
});
