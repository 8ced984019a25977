// Which OpenID provider the stand-in plays. `kheops` is the provider this project aims at (KHEOPS as
// its own OpenID provider, under /api); `keycloak` is the Keycloak realm released KHEOPS signs its
// users in with (platform-facts §8), in front of the same KHEOPS DICOMweb API.
import type { Configuration } from 'oidc-provider';

export type ProviderProfile = 'kheops' | 'keycloak';
export const PROVIDER_PROFILES: readonly ProviderProfile[] = ['kheops', 'keycloak'];

export function parseProviderProfile(name: string, value: string | undefined): ProviderProfile {
  if (value === undefined || value === '') return 'kheops';
  if ((PROVIDER_PROFILES as readonly string[]).includes(value)) return value as ProviderProfile;
  throw new Error(`${name} must be one of ${PROVIDER_PROFILES.join(', ')}, got ${JSON.stringify(value)}`);
}

export interface ProviderPaths {
  /** Where oidc-provider is mounted: the issuer is <origin><mount>. */
  mount: string;
  /** oidc-provider's `routes`, relative to the mount. */
  routes: NonNullable<Configuration['routes']>;
}

const KHEOPS_PATHS: ProviderPaths = {
  mount: '/api',
  routes: { authorization: '/auth', token: '/token', jwks: '/jwks', userinfo: '/me', revocation: '/token/revocation', end_session: '/session/end' },
};

/** Keycloak's realm URLs (`/realms/<realm>/protocol/openid-connect/...`), realm `kheops`. */
const KEYCLOAK_PATHS: ProviderPaths = {
  mount: '/realms/kheops',
  routes: {
    authorization: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    jwks: '/protocol/openid-connect/certs',
    userinfo: '/protocol/openid-connect/userinfo',
    revocation: '/protocol/openid-connect/revoke',
    end_session: '/protocol/openid-connect/logout',
    introspection: '/protocol/openid-connect/token/introspect',
  },
};

export function providerPaths(profile: ProviderProfile): ProviderPaths {
  return profile === 'keycloak' ? KEYCLOAK_PATHS : KHEOPS_PATHS;
}
