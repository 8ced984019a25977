// Tokens and token responses shaped as Keycloak's (TokenManager.java, platform-facts §8), built by
// oidc-provider and reshaped at its documented extension points.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';

/**
 * Keycloak's access tokens are for the realm's `account` client unless mappers say otherwise; their
 * `scope` claim carries OIDC scopes only (`openid profile ...`): KHEOPS's read/write do not exist in
 * Keycloak. oidc-provider only issues JWT access tokens for a resource server, so the KHEOPS DICOMweb
 * root is one with no scopes of its own.
 */
export function realmResourceServer(accessTokenTtl: number): ResourceServer {
  return { scope: '', audience: 'account', accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl, jwt: { sign: { alg: 'RS256' } } };
}

interface WithScope {
  scope?: string;
  sessionUid?: string;
}

/** The code or refresh token a token request redeems (ctx.oidc.entities). */
function redeemed(ctx: KoaContextWithOIDC | undefined): WithScope | undefined {
  const entities = ctx?.oidc?.entities as Record<string, WithScope | undefined> | undefined;
  return entities?.AuthorizationCode ?? entities?.RotatedRefreshToken ?? entities?.RefreshToken;
}

/** The OIDC scopes granted for this token request, as Keycloak puts them in `scope`. */
export function grantedOidcScope(ctx: KoaContextWithOIDC | undefined): string | undefined {
  const source = redeemed(ctx);
  const grant = ctx?.oidc?.entities.Grant;
  if (!source?.scope || !grant) return undefined;
  return grant.getOIDCScopeFiltered(new Set(source.scope.split(' ')));
}

type JwtCustomizer = NonNullable<NonNullable<NonNullable<import('oidc-provider').Configuration['formats']>['customizers']>['jwt']>;

/**
 * Header `typ: JWT` (not `at+jwt`); `azp` names the client (no `client_id`); `typ: Bearer`; the
 * session as `sid` and `session_state`; the user's name as Keycloak's profile mappers add it.
 */
export const keycloakAccessToken: JwtCustomizer = (ctx, token, jwt) => {
  const payload = jwt.payload as Record<string, unknown>;
  jwt.header = { typ: 'JWT' };
  payload.azp = payload.client_id;
  delete payload.client_id;
  payload.typ = 'Bearer';
  const scope = grantedOidcScope(ctx);
  if (scope) payload.scope = scope;
  else delete payload.scope;
  const sessionUid = (token as WithScope).sessionUid;
  if (sessionUid) {
    payload.sid = sessionUid;
    payload.session_state = sessionUid;
  }
  if (typeof payload.sub === 'string') payload.preferred_username = payload.sub;
};

/**
 * Keycloak's token response also names the session (`session_state`), the refresh token's lifetime
 * (`refresh_expires_in`) and `not-before-policy`; its `scope` is the granted OIDC scopes.
 */
export function answerTokenRequestsAsKeycloak(provider: Provider, refreshTokenTtl: () => number): void {
  provider.use(async (koa, next) => {
    await next();
    const ctx = koa as unknown as KoaContextWithOIDC;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || typeof body?.access_token !== 'string') return;
    const refreshToken = ctx.oidc.entities.RefreshToken as { remainingTTL?: number } | undefined;
    const sessionUid = redeemed(ctx)?.sessionUid;
    const scope = grantedOidcScope(ctx);
    ctx.body = {
      ...body,
      ...(typeof body.refresh_token === 'string' ? { refresh_expires_in: refreshToken?.remainingTTL ?? refreshTokenTtl() } : {}),
      ...(scope ? { scope } : {}),
      ...(sessionUid ? { session_state: sessionUid } : {}),
      'not-before-policy': 0,
    };
  });
}

/** A successful authorization response also carries `session_state` (OIDCLoginProtocol.java). */
export function nameTheSessionInAuthorizationResponses(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if ((route !== 'authorization' && route !== 'resume') || ctx.status < 300 || ctx.status >= 400) return;
    const location = ctx.response.get('Location');
    const sessionUid = ctx.oidc?.session?.uid;
    if (!location || !sessionUid) return;
    const url = new URL(location, ctx.href);
    if (!url.searchParams.has('code')) return;
    url.searchParams.set('session_state', sessionUid);
    ctx.set('Location', url.href);
  });
}
