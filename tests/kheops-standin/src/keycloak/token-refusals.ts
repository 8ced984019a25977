// Keycloak refuses a token request with HTTP 400 `{"error":"invalid_grant","error_description":...}`
// and a description that names the case (TokenManager.java, platform-facts §8). oidc-provider says
// "grant request is invalid" for every case and keeps the case in the error's `error_detail`, so the
// profile reads that detail and answers with Keycloak's words.
import type Provider from 'oidc-provider';

const KEYCLOAK_DESCRIPTIONS: Record<string, string> = {
  'refresh token not found': 'Invalid refresh token',
  'refresh token is expired': 'Token is not active',
  // Only with "Revoke Refresh Token" on: a rotated token presented again.
  'refresh token already used': 'Stale token',
  'client mismatch': 'Unmatching clients',
  'grant not found': 'Session not active',
  'grant is expired': 'Session not active',
  'authorization code not found': 'Code not valid',
  'authorization code is expired': 'Code is expired',
  'authorization code already consumed': 'Code not valid',
  'code_verifier does not match code_challenge': 'PKCE verification failed: Code mismatch',
  'code_verifier must be provided': 'PKCE code verifier not specified',
  'authorization code redirect_uri mismatch': 'Incorrect redirect_uri',
};

export function keycloakRefusalDescription(detail: string | undefined): string {
  return (detail && KEYCLOAK_DESCRIPTIONS[detail]) ?? 'Invalid grant';
}

export function describeRefusalsAsKeycloak(provider: Provider): void {
  const details = new WeakMap<object, string>();
  provider.on('grant.error', (ctx, error) => {
    const detail = (error as { error_detail?: unknown }).error_detail;
    if (typeof detail === 'string') details.set(ctx, detail);
  });
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: unknown } | undefined;
    if (ctx.oidc?.route !== 'token' || ctx.status !== 400 || body?.error !== 'invalid_grant') return;
    ctx.body = { error: 'invalid_grant', error_description: keycloakRefusalDescription(details.get(ctx)) };
  });
}
