import type { OidcClient, User } from 'oidc-client-ts';
import { KheopsAuthError } from '../errors';
import { httpStatusOf } from './refresh-refusal';

/**
 * Token revocation (RFC 7009) as providers accept it from a public client. First the standard form:
 * the token and `client_id` in the body (oidc-client-ts; Keycloak, oidc-provider). A provider that
 * wants the client authenticated refuses that (Glewlwyd: 401, empty body); when its discovery lists
 * `bearer` among `revocation_endpoint_auth_methods_supported`, the request is made again with the
 * session's access token as a Bearer credential, which Glewlwyd accepts. Any 2xx is a revocation,
 * with or without a body: RFC 7009 §2.2 answers 200 for a token that is already invalid, and
 * Keycloak says so in a JSON body (`{"error":"invalid_token"}`).
 */
export type RevocationResult =
  | { outcome: 'revoked' }
  | { outcome: 'not-offered' }
  | { outcome: 'refused'; detail: string };

interface RevocationMetadata {
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: unknown;
}

export async function revokeSession(client: OidcClient, user: User): Promise<RevocationResult> {
  const metadata = (await client.metadataService.getMetadata()) as RevocationMetadata;
  const endpoint = metadata.revocation_endpoint;
  if (!endpoint) return { outcome: 'not-offered' };
  const bearer = Array.isArray(metadata.revocation_endpoint_auth_methods_supported) && metadata.revocation_endpoint_auth_methods_supported.includes('bearer');

  // The refresh token first: it is what keeps the session alive; revoking it ends the grant.
  const refresh = user.refresh_token ? await revokeOne(client, endpoint, bearer, user, user.refresh_token, 'refresh_token') : undefined;
  // Self-contained (JWT) access tokens often cannot be revoked; a refusal for one is harmless.
  await revokeOne(client, endpoint, bearer, user, user.access_token, 'access_token').catch(() => undefined);
  return refresh === undefined || refresh === 'revoked' ? { outcome: 'revoked' } : { outcome: 'refused', detail: refresh };
}

/** 'revoked', or what the provider answered instead. */
async function revokeOne(client: OidcClient, endpoint: string, bearer: boolean, user: User, token: string, hint: 'refresh_token' | 'access_token'): Promise<string> {
  let refusal: { status: number; detail: string };
  try {
    await client.revokeToken(token, hint);
    return 'revoked';
  } catch (error) {
    const found = refusalOf(error);
    if (!found) return describeFailure(error);
    refusal = found;
  }
  if (!bearer || refusal.status < 400 || refusal.status >= 500 || user.expired) return refusal.detail;
  // oidc-client-ts sends revocations with client_id only; this is the same RFC 7009 request with
  // the one client credential a public client holds.
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.access_token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: hint }),
    });
    await response.arrayBuffer();
    return response.ok ? 'revoked' : `HTTP ${response.status}`;
  } catch (error) {
    return describeFailure(error);
  }
}

/**
 * The status of an error answer. oidc-client-ts gives a JSON error (ErrorResponse) without its
 * status; by RFC 7009 §2.2.1 such a refusal is a 4xx unless the server says it is in trouble.
 */
function refusalOf(error: unknown): { status: number; detail: string } | undefined {
  const status = httpStatusOf(error);
  if (status !== undefined) return { status, detail: `HTTP ${status}` };
  const code = (error as { error?: unknown } | null)?.error;
  if (typeof code !== 'string') return undefined;
  return { status: code === 'server_error' || code === 'temporarily_unavailable' ? 503 : 400, detail: code };
}

function describeFailure(error: unknown): string {
  return error instanceof TypeError ? 'the provider could not be reached' : 'the provider gave no usable answer';
}

/** The error sign-out reports once every tab has forgotten the tokens the provider kept alive. */
export function revocationRefused(providerName: string, detail: string): KheopsAuthError {
  return new KheopsAuthError(
    'sign_out_incomplete',
    `${providerName} did not end the session (${detail}): the sign-in there stays valid until it expires. This viewer has forgotten it in every tab.`,
    'On a shared computer, close the browser to end the session at the provider as well.',
  );
}
