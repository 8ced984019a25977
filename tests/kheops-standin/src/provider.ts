// The whole oidc-provider configuration of the stand-in, in one place.
import './expected-warnings.js';
import { randomBytes } from 'node:crypto';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { JWK } from 'jose';

import { findDemoUser } from './accounts.js';
import { contentSecurityPolicy, escapeHtml, renderPage } from './html.js';
import { adaptToKeycloak, keycloakConfiguration } from './keycloak/configuration.js';
import type { RefreshTokenReuse } from './keycloak/refresh-token-reuse.js';
import { providerPaths, type ProviderProfile } from './profile.js';
import type { RuntimeSettings } from './settings.js';
import { TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange-request.js';
import { withRealmRole, type RealmRole } from './realm-role.js';

export const VIEWER_CLIENT_ID = 'ohif-viewer';
/** KHEOPS's own web UI: it only exchanges the signed-in user's token for viewer tokens (token-exchange.ts). */
export const KHEOPS_UI_CLIENT_ID = 'kheops-ui';
/** Scopes a DICOMweb access token can carry; `write` is what STOW needs, as on KHEOPS. */
export const DICOMWEB_SCOPES = ['read', 'write'] as const;
const OIDC_SCOPES = ['openid', 'profile', 'offline_access'];

export interface ProviderOptions {
  issuer: string;
  dicomWebRoot: string;
  viewerOrigin: string;
  settings: RuntimeSettings;
  signingJwk: JWK;
  /** False plays a provider without refresh tokens (like KHEOPS itself): default true. */
  refreshTokens?: boolean;
  /** Which provider to play (profile.ts); default 'kheops'. */
  profile?: ProviderProfile;
  /** Keycloak profile only: whether replaced refresh tokens stay valid (Keycloak's default). */
  refreshTokenReuse?: RefreshTokenReuse;
  /** Keycloak profile only: plays the realm of a released KHEOPS whose UI signs in here (realm-role.ts). */
  realm?: RealmRole | undefined;
}

export function viewerRedirectUris(viewerOrigin: string): string[] {
  return ['/kheops/callback', '/kheops/popup-callback', '/kheops-login/callback'].map((path) => viewerOrigin + path);
}

export function createProvider(options: ProviderOptions): Provider {
  const { issuer, dicomWebRoot, viewerOrigin, settings, signingJwk, refreshTokens = true, profile = 'kheops' } = options;
  const base: Configuration = {
    routes: providerPaths(profile).routes,
    clients: [
      {
        client_id: VIEWER_CLIENT_ID,
        client_name: 'OHIF viewer',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: refreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        response_types: ['code'],
        redirect_uris: viewerRedirectUris(viewerOrigin),
        post_logout_redirect_uris: [`${viewerOrigin}/kheops/signed-out`, `${viewerOrigin}/`],
      },
      {
        // KHEOPS's UI is a browser application (a public client). Its user signs in elsewhere (on
        // KHEOPS: Keycloak; here kheops-ui.ts issues the user's token), so it uses this provider only
        // for the token exchange: no authorization requests, no redirect URIs. No other client has
        // that grant.
        client_id: KHEOPS_UI_CLIENT_ID,
        client_name: 'KHEOPS',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: [TOKEN_EXCHANGE_GRANT_TYPE],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [signingJwk as NonNullable<Configuration['jwks']>['keys'][number]] },
    // A restart invalidates all sessions anyway (in-memory adapter), so random cookie keys cost nothing.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // oidc-provider derives discovery's grant_types_supported from the configuration: refresh_token is
    // there when offline_access is a scope or issueRefreshToken is customised. Without refresh tokens,
    // leave out both, so discovery and the client agree (offline_access in a request is then dropped).
    scopes: refreshTokens ? OIDC_SCOPES : OIDC_SCOPES.filter((scope) => scope !== 'offline_access'),
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // The viewer shows who is signed in from the ID token; without this, oidc-provider would put the
    // profile claims only in userinfo for the code flow.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const user = findDemoUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, name: user.name, preferred_username: user.id }),
      };
    },
    // Code flow only (RFC 9700): no tokens from the authorization endpoint.
    responseTypes: ['code'],
    pkce: { required: () => true },
    // oidc-provider drops offline_access from an authorization request that carries a prompt other
    // than consent (oidc-client-ts sends prompt=none or prompt=login in some paths). The viewer is a
    // first-party public client whose refresh tokens rotate, so it always gets one.
    ...(refreshTokens ? { issueRefreshToken: alwaysWhenAllowed } : {}),
    // Literal true: every use rotates, and a second use of a rotated token revokes the grant.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: () => settings.accessTokenTtl,
      // Rotation must not extend a sign-in forever: a rotated token keeps at most the remaining
      // lifetime of the one it replaces (and a shortened setting applies to it at once).
      RefreshToken: (ctx: KoaContextWithOIDC) => {
        const remaining = ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL;
        return remaining === undefined ? settings.refreshTokenTtl : Math.max(1, Math.min(remaining, settings.refreshTokenTtl));
      },
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: () => Math.max(settings.refreshTokenTtl, 24 * 3600),
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => renderIntoContext(ctx, viewerOrigin, logoutPage(form)),
        postLogoutSuccessSource: (ctx) =>
          renderIntoContext(ctx, viewerOrigin, '<section class="panel narrow"><h2>Signed out</h2><p>You are signed out of KHEOPS.</p></section>'),
      },
      resourceIndicators: {
        enabled: true,
        // oidc-client-ts never sends `resource`: every token is for the DICOMweb root.
        defaultResource: () => dicomWebRoot,
        useGrantedResource: () => true,
        getResourceServerInfo: () => dicomWebResourceServer(dicomWebRoot, settings),
      },
    },
    // Only the viewer calls the provider from another origin; the KHEOPS UI is on KHEOPS's own.
    clientBasedCORS: (_ctx, origin, client) => client.clientId === VIEWER_CLIENT_ID && origin === viewerOrigin,
    interactions: {
      policy: interactionPolicyWithLoginHint(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: (ctx, out) => {
      const details = Object.entries(out)
        .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
        .join('');
      renderIntoContext(ctx, viewerOrigin, `<section class="panel narrow"><h2>Sign-in error</h2>${details}</section>`);
    },
  };

  const keycloak = { viewerOrigin, settings, refreshTokenReuse: options.refreshTokenReuse ?? 'allowed', webOrigins: options.realm ? [options.realm.uiOrigin] : [] };
  const configuration = profile === 'keycloak' ? keycloakConfiguration(withRealmRole(base, options.realm), keycloak) : base;
  const provider = new Provider(issuer, configuration);
  if (profile === 'keycloak') adaptToKeycloak(provider, keycloak);
  else advertiseDicomWebScopes(provider);
  cacheDiscovery(provider);
  answerRevocationWithoutBody(provider);
  return provider;
}

/** The DICOMweb root as a resource server: every access token the provider issues is a JWT for it. */
export function dicomWebResourceServer(dicomWebRoot: string, settings: RuntimeSettings): ResourceServer {
  return {
    scope: DICOMWEB_SCOPES.join(' '),
    audience: dicomWebRoot,
    accessTokenFormat: 'jwt',
    accessTokenTTL: settings.accessTokenTtl,
    jwt: { sign: { alg: 'RS256' } },
  };
}

const alwaysWhenAllowed: NonNullable<Configuration['issueRefreshToken']> = (_ctx, client) =>
  client.grantTypeAllowed('refresh_token');

/**
 * The study page passes `login_hint=<user>`. When another user is already signed in at the
 * provider, silently reusing that session would open the viewer as the wrong person, so a
 * mismatching hint asks for the login form again (KHEOPS would do the same by user identity).
 */
function interactionPolicyWithLoginHint(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(
      'login_hint_other_user',
      'login_hint names another user than the one signed in',
      (ctx) => {
        const hint = ctx.oidc.params?.login_hint;
        const current = ctx.oidc.session?.accountId;
        if (typeof hint !== 'string' || !current || ctx.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        return hint === current ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}

/** Resource-server scopes are not OIDC scopes, so oidc-provider leaves them out of discovery. */
function advertiseDicomWebScopes(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      const body = ctx.body as { scopes_supported?: string[] };
      body.scopes_supported = [...new Set([...(body.scopes_supported ?? []), ...DICOMWEB_SCOPES])];
    }
  });
}

/**
 * The viewer's sign-in fetches discovery on the login page and again on the callback page (a new
 * document each time). Discovery is public and changes only with a deployment, so letting browsers
 * keep it a few minutes saves the callback a round trip to the provider (docs/performance.md).
 */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';

/**
 * oidc-provider answers a revocation with an empty `text/plain` body; Keycloak (KHEOPS's provider)
 * answers with no body and no Content-Type. oidc-client-ts 3.5 rejects the former ("Invalid response
 * Content-Type") although RFC 7009 §2.2 tells clients to ignore the body, so the viewer could not
 * tell a confirmed sign-out from a failed one. The stand-in answers as Keycloak does.
 */
function answerRevocationWithoutBody(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'revocation' && ctx.status === 200 && ctx.body === '') ctx.remove('Content-Type');
  });
}

function cacheDiscovery(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.status === 200) ctx.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
  });
}

function logoutPage(form: string): string {
  // `form` is oidc-provider's own hidden form (with its xsrf token); the buttons submit it.
  return `<section class="panel narrow">
  <h2>Sign out of KHEOPS?</h2>
  ${form}
  <button id="logout-confirm" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
  <button id="logout-cancel" class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>
</section>`;
}

function renderIntoContext(ctx: KoaContextWithOIDC, viewerOrigin: string, body: string): void {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', contentSecurityPolicy([viewerOrigin]));
  ctx.body = renderPage({ body });
}
