// The Keycloak profile as the realm of a released KHEOPS (STANDIN_KHEOPS=released starts one beside
// released/index.ts): KHEOPS's UI signs its users in here with the code flow (client `kheops-ui`, its
// own login client), which leaves an SSO session (cookie) in the browser; the viewer's client may then
// be signed in silently with `prompt=none` (platform-facts §8; the Keycloak profile answers it).
import type { Configuration } from 'oidc-provider';

import { KHEOPS_UI_CLIENT_ID } from './provider.js';

export interface RealmRole {
  /** The released KHEOPS UI's origin (one of the realm's Web Origins) and its redirect URI. */
  uiOrigin: string;
  uiRedirectUri: string;
}

/** `kheops-ui` signs users in here (code flow, refresh), besides the token exchange it already has. */
export function withRealmRole(configuration: Configuration, role: RealmRole | undefined): Configuration {
  if (!role) return configuration;
  return {
    ...configuration,
    clients: configuration.clients?.map(client =>
      client.client_id === KHEOPS_UI_CLIENT_ID
        ? {
            ...client,
            grant_types: [...new Set([...(client.grant_types ?? []), 'authorization_code', 'refresh_token'])],
            response_types: ['code'],
            redirect_uris: [role.uiRedirectUri],
          }
        : client,
    ),
  };
}
