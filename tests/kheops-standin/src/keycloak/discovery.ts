// Keycloak's discovery document lists less than it supports and more than oidc-provider does
// (platform-facts §8): no `none` among the token endpoint's authentication methods although public
// clients work, `plain` beside `S256` for PKCE, and the refresh_token grant.
import type Provider from 'oidc-provider';

export function describeAsKeycloak(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'discovery' || ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    for (const key of Object.keys(body).filter((name) => name.endsWith('_endpoint_auth_methods_supported'))) {
      const methods = Array.isArray(body[key]) ? (body[key] as string[]) : [];
      body[key] = methods.filter((method) => method !== 'none');
    }
    body.code_challenge_methods_supported = ['plain', 'S256'];
    const grants = Array.isArray(body.grant_types_supported) ? (body.grant_types_supported as string[]) : [];
    body.grant_types_supported = [...new Set([...grants, 'refresh_token'])];
    body.authorization_response_iss_parameter_supported = true;
  });
}
