/**
 * The checked-in example app configurations (`platform-config/app-config.*.js`), built here so that the
 * files, the demo stack and the tests share one source of truth. `npm run config-examples` rewrites the
 * files; a unit test fails when they drift from what this module produces.
 */
import { renderAppConfigScript, viewerAppConfig, type KheopsInstance } from './app-config';

export interface ExampleFile {
  /** File name inside platform-config/. */
  name: string;
  config: Record<string, unknown>;
  /** The file's text, as the prebuilt app loads it. */
  script: string;
}

/** What the KHEOPS stand-in reports about itself; `startStandin()` returns a superset of it. */
export interface StandinEndpoints {
  issuer: string;
  clientId: string;
  dicomWebRoot: string;
}

/**
 * The viewer's app configuration for a stand-in; the demo stack and the example file both use it.
 * `moreIssuers` are other providers the viewer trusts too (the test stack's Glewlwyd and its
 * Keycloak-backed KHEOPS); `moreDataSources` are the DICOMweb roots of those with a server of their own.
 */
export function standinAppConfig(
  viewerOrigin: string,
  standin: StandinEndpoints,
  moreIssuers: KheopsInstance[] = [],
  moreDataSources: Array<{ name: string; instance: KheopsInstance }> = [],
): Record<string, unknown> {
  return viewerAppConfig({
    modulesBaseUrl: `${viewerOrigin}/modules`,
    moreDataSources,
    kheops: [
      {
        issuer: standin.issuer,
        clientId: standin.clientId,
        dicomWebRoot: standin.dicomWebRoot,
        displayName: 'KHEOPS (local stand-in)',
        // Its study page, at the root of the stand-in's origin: where refusal screens lead back to.
        kheopsUrl: `${new URL(standin.issuer).origin}/`,
        // The stand-in also plays released KHEOPS's launches (viewer links, report provider).
        launches: ['oidc', 'viewer-link', 'report-provider'],
        // KHEOPS as its own provider grants `write` only to who may write, so a read-only session is told before it saves.
        savePermission: { scope: 'write' },
      },
      ...moreIssuers,
    ],
  });
}

/** What the released-KHEOPS stand-in reports about itself (tests/kheops-standin/src/released/). */
export interface ReleasedStandinEndpoints {
  realmIssuer: string;
  dicomWebRoot: string;
}

/**
 * The viewer's app configuration for the stand-in playing released KHEOPS: its launches (viewer links,
 * report provider) upgraded through its realm. The realm grants KHEOPS's `read write` when asked, as
 * the stand-in's provider does; a real Keycloak grants neither (see KEYCLOAK_RELEASED_EXAMPLE).
 */
export function releasedStandinAppConfig(viewerOrigin: string, endpoints: ReleasedStandinEndpoints): Record<string, unknown> {
  return viewerAppConfig({
    modulesBaseUrl: `${viewerOrigin}/modules`,
    kheops: [
      {
        issuer: endpoints.realmIssuer,
        clientId: 'ohif-viewer',
        dicomWebRoot: endpoints.dicomWebRoot,
        displayName: 'KHEOPS (released, local stand-in)',
        scope: 'openid profile read write',
        launches: ['viewer-link', 'report-provider'],
        upgradeThrough: endpoints.realmIssuer,
        savePermission: { scope: 'write' },
      },
    ],
  });
}

/**
 * A released KHEOPS, unchanged (docs/kheops-setup.md, the path to recommend today): its viewer links
 * and report-provider launches are accepted, and upgraded to a renewable session through its Keycloak
 * realm, where the viewer is a public client.
 */
export const KEYCLOAK_RELEASED_EXAMPLE: KheopsInstance = {
  issuer: 'https://keycloak.example.org/realms/kheops',
  clientId: 'ohif-viewer',
  dicomWebRoot: 'https://kheops.example.org/api',
  displayName: 'KHEOPS',
  scope: 'openid profile',
  launches: ['viewer-link', 'report-provider'],
  upgradeThrough: 'https://keycloak.example.org/realms/kheops',
  // Keycloak's tokens carry no read/write scope: KHEOPS decides per album when the report arrives.
  savePermission: 'server-decides',
};

/**
 * A KHEOPS whose users sign in with Keycloak: the issuer is the Keycloak realm, not KHEOPS, because
 * the KHEOPS API accepts that realm's user access tokens as bearer tokens. Keycloak gives refresh
 * tokens to a public client without `offline_access` (and an offline token would outlive the sign-in),
 * and KHEOPS's `read`/`write` are not Keycloak scopes, so the viewer asks only for `openid profile`;
 * for the same reason the DICOMweb server decides who may save (KHEOPS checks the album's rights).
 */
export const KEYCLOAK_EXAMPLE: KheopsInstance = {
  issuer: 'https://keycloak.example.org/realms/kheops',
  clientId: 'ohif-viewer',
  dicomWebRoot: 'https://kheops.example.org/api',
  displayName: 'KHEOPS',
  scope: 'openid profile',
  savePermission: 'server-decides',
};

/** The stand-in with the demo's default ports (tests/stack: viewer 3000, stand-in 8080). */
export const STANDIN_DEFAULTS = {
  viewerOrigin: 'http://localhost:3000',
  endpoints: { issuer: 'http://127.0.0.1:8080/api', clientId: 'ohif-viewer', dicomWebRoot: 'http://127.0.0.1:8080/api' },
} as const;

export function exampleFiles(): ExampleFile[] {
  const keycloak = viewerAppConfig({ modulesBaseUrl: 'https://viewer.example.org/modules', kheops: [KEYCLOAK_EXAMPLE] });
  const standin = standinAppConfig(STANDIN_DEFAULTS.viewerOrigin, STANDIN_DEFAULTS.endpoints);
  const released = viewerAppConfig({ modulesBaseUrl: 'https://viewer.example.org/modules', kheops: [KEYCLOAK_RELEASED_EXAMPLE] });
  return [
    {
      name: 'app-config.kheops-released.js',
      config: released,
      script: renderAppConfigScript(released, [
        '',
        'Example for a released KHEOPS, unchanged: its viewer links and report-provider launches, upgraded',
        'to a renewable session through its Keycloak realm. Copy it as the prebuilt OHIF app\'s app-config.js',
        'and replace viewer.example.org, keycloak.example.org and kheops.example.org.',
        'Check it with: npm run check-config -- app-config.js',
        'Keys: platform-config/README.md. KHEOPS / Keycloak side: docs/kheops-setup.md (the path to recommend today).',
      ]),
    },
    {
      name: 'app-config.kheops-keycloak.js',
      config: keycloak,
      script: renderAppConfigScript(keycloak, [
        '',
        'Example for a KHEOPS whose users sign in with Keycloak. Copy it as the prebuilt OHIF app\'s',
        'app-config.js and replace viewer.example.org, keycloak.example.org and kheops.example.org.',
        'Check it with: npm run check-config -- app-config.js',
        'Keys: platform-config/README.md. KHEOPS / Keycloak side: docs/kheops-setup.md.',
      ]),
    },
    {
      name: 'app-config.standin.js',
      config: standin,
      script: renderAppConfigScript(standin, [
        '',
        'The local KHEOPS stand-in with the demo\'s default ports (npm run demo), as tests/stack writes it.',
      ]),
    },
  ];
}
