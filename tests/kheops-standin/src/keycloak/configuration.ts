// The Keycloak profile of the stand-in: oidc-provider configured, and its answers reshaped, to behave
// as the Keycloak realm released KHEOPS signs its users in with (platform-facts §8). Each difference
// from the default profile lives in a module named after the Keycloak behaviour it reproduces.
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

import { findDemoUser } from '../accounts.js';
import type { RuntimeSettings } from '../settings.js';
import { describeAsKeycloak } from './discovery.js';
import { storageWithReusableRefreshTokens, type RefreshTokenReuse } from './refresh-token-reuse.js';
import { describeRefusalsAsKeycloak } from './token-refusals.js';
import { answerTokenRequestsAsKeycloak, keycloakAccessToken, nameTheSessionInAuthorizationResponses, realmResourceServer } from './tokens.js';
import { answerCorsAsKeycloak, processEveryOrigin } from './web-origins.js';

export interface KeycloakProfileOptions {
  viewerOrigin: string;
  /** More Web Origins than the viewer's (a released KHEOPS UI that signs in at this realm). */
  webOrigins?: string[];
  settings: RuntimeSettings;
  /** Keycloak's "Revoke Refresh Token": off ('allowed', Keycloak's default) or on ('refused'). */
  refreshTokenReuse: RefreshTokenReuse;
}

/** Keycloak's OIDC scopes; KHEOPS's read/write are not among them. */
export const KEYCLOAK_SCOPES = ['openid', 'profile', 'offline_access'];

export function keycloakConfiguration(base: Configuration, { settings, refreshTokenReuse }: KeycloakProfileOptions): Configuration {
  return {
    ...base,
    scopes: KEYCLOAK_SCOPES,
    // Keycloak's ID tokens always name the client they were issued to.
    claims: { openid: ['sub', 'azp'], profile: ['name', 'preferred_username'] },
    async findAccount(ctx, sub) {
      const user = findDemoUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, name: user.name, preferred_username: user.id, azp: ctx.oidc.client?.clientId }),
      };
    },
    clientBasedCORS: processEveryOrigin,
    // Keycloak never compares login_hint with the signed-in user: an existing session wins silently.
    interactions: { ...base.interactions, policy: interactionPolicy.base() },
    loadExistingGrant: consentNotRequired,
    features: {
      ...base.features,
      resourceIndicators: {
        ...base.features?.resourceIndicators,
        enabled: true,
        getResourceServerInfo: () => realmResourceServer(settings.accessTokenTtl),
      },
    },
    formats: { customizers: { jwt: keycloakAccessToken } },
    ...(refreshTokenReuse === 'allowed' ? { adapter: storageWithReusableRefreshTokens() } : {}),
  };
}

export function adaptToKeycloak(provider: Provider, { viewerOrigin, webOrigins = [], settings }: KeycloakProfileOptions): void {
  answerCorsAsKeycloak(provider, [viewerOrigin, ...webOrigins]);
  describeAsKeycloak(provider);
  describeRefusalsAsKeycloak(provider);
  answerTokenRequestsAsKeycloak(provider, () => settings.refreshTokenTtl);
  nameTheSessionInAuthorizationResponses(provider);
}

/**
 * A Keycloak client with "Consent required" off (the default, and KHEOPS's realm): every requested
 * scope is granted without asking, also under prompt=none.
 */
async function consentNotRequired(ctx: KoaContextWithOIDC) {
  const { client, session, result } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
  const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
  const grant =
    existing?.accountId === session.accountId ? existing : new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  const requested = [...(ctx.oidc.requestParamOIDCScopes ?? [])];
  if (requested.length) grant.addOIDCScope(requested.join(' '));
  await grant.save();
  return grant;
}
