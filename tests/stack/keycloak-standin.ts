// A second KHEOPS in the stack, whose users sign in at a Keycloak realm: the stand-in's Keycloak profile
// (tests/kheops-standin/src/keycloak/, platform-facts §8) with its own DICOMweb gateway in front of the
// same Orthanc. Its tokens carry no read/write scope, and its gateway decides write access per user
// (its /__test/read-only control), as KHEOPS does per album, so the viewer's issuer entry for it
// says `savePermission: 'server-decides'`.
import type { KheopsInstance } from '../../platform-config/src/app-config';
import { startStandin, type Standin } from '../kheops-standin/src/index';

/** The OHIF data source (and so the viewer path /kheops/keycloak) that reads this KHEOPS. */
export const KEYCLOAK_DATA_SOURCE = 'keycloak';

export interface KeycloakStandinOptions {
  port: number;
  orthancUrl: string;
  viewerOrigin: string;
  accessTokenTtl?: number | undefined;
  testControls: boolean;
  logFile: string;
}

/** What the tests and the demo see of it (stack-info). */
export interface KeycloakEndpoints {
  url: string;
  /** <url>/realms/kheops */
  issuer: string;
  /** <url>/api: its own gateway */
  dicomWebRoot: string;
  clientId: string;
  studyPageUrl: string;
  tokenEndpoint: string;
  /** The viewer page its study page opens. */
  viewerPath: string;
}

export async function startKeycloakStandin(options: KeycloakStandinOptions): Promise<{ standin: Standin; endpoints: KeycloakEndpoints }> {
  const viewerPath = `/kheops/${KEYCLOAK_DATA_SOURCE}`;
  const standin = await startStandin({
    port: options.port,
    orthancUrl: options.orthancUrl,
    viewerOrigin: options.viewerOrigin,
    provider: 'keycloak',
    viewerPath,
    ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}),
    testControls: options.testControls,
    logFile: options.logFile,
  });
  return {
    standin,
    endpoints: {
      url: standin.url,
      issuer: standin.issuer,
      dicomWebRoot: standin.dicomWebRoot,
      clientId: standin.clientId,
      studyPageUrl: `${standin.url}/`,
      tokenEndpoint: `${standin.issuer}/protocol/openid-connect/token`,
      viewerPath,
    },
  };
}

/**
 * The viewer's issuer entry for it, as docs/kheops-setup.md tells a Keycloak-backed KHEOPS to write
 * it (platform-config KEYCLOAK_EXAMPLE): `openid profile`, and the DICOMweb server decides who may save.
 */
export function keycloakInstance(endpoints: KeycloakEndpoints): KheopsInstance {
  return {
    issuer: endpoints.issuer,
    clientId: endpoints.clientId,
    dicomWebRoot: endpoints.dicomWebRoot,
    displayName: 'KHEOPS (Keycloak)',
    scope: 'openid profile',
    launches: ['oidc'],
    savePermission: 'server-decides',
  };
}
