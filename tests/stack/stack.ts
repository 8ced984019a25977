import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAppConfigScript, type KheopsInstance } from '../../platform-config/src/app-config';
import { viewerSecurityHeaders } from '../../platform-config/src/headers';
import { standinAppConfig } from '../../platform-config/src/examples';
import { REPORT_PROVIDER_DOCUMENT_NAME, reportProviderConfiguration } from '../../platform-config/src/report-provider';
import { loadSampleData, type SampleDataSummary } from '../fixtures/load-sample-data';
import { DEMO_USERS } from '../kheops-standin/src/accounts';
import { startStandin, type ExternalIssuer, type Standin } from '../kheops-standin/src/index';
import { viewerRedirectUris } from '../kheops-standin/src/provider';
import { glewlwydUsers, startGlewlwyd, type RunningGlewlwyd } from './glewlwyd';
import { startOrthanc, type RunningOrthanc } from './orthanc';
import { devBuildStamp } from './live-reload';
import { appInlineScriptHashes, DEFAULT_LOGIN_PAGE_DIR, startViewerHost, type ViewerHost } from './viewer-host';
import { startReleasedProfile, type RunningReleasedProfile } from './released-stack';
import { KEYCLOAK_DATA_SOURCE, keycloakInstance, startKeycloakStandin, type KeycloakEndpoints } from './keycloak-standin';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface StackOptions {
  viewerPort: number;
  standinPort: number;
  orthancPort: number;
  /** Also run Glewlwyd, a second real OpenID provider the viewer trusts, on this port. */
  glewlwydPort?: number | undefined;
  /** Lifetime of Glewlwyd's access tokens in seconds (default 300). */
  glewlwydAccessTokenTtl?: number | undefined;
  /** Also run a KHEOPS whose users sign in at a Keycloak realm (the stand-in's Keycloak profile) on this port. */
  keycloakPort?: number | undefined;
  /** Orthanc's storage, logs and the request log go here. */
  workDir: string;
  accessTokenTtl?: number;
  testControls?: boolean;
  log?: (line: string) => void;
  /**
   * Viewer host variants (tests/bench): 'viewer' lets OHIF's route answer the login path instead of
   * the small login page; sameOriginDicomWeb serves DICOMweb on the viewer's origin through the host.
   */
  viewer?: { loginPage?: 'small' | 'viewer'; sameOriginDicomWeb?: boolean };
  /** Reload open viewer pages after each `npm run dev` rebuild (the demo only). */
  liveReload?: boolean;
  /** Also released KHEOPS (its realm, API and UI, and a viewer of its own) on the same Orthanc. */
  released?: { viewerPort: number; kheopsPort: number; realmPort: number; realmAccessTokenTtl?: number; bridge?: { viewerPort: number; replicaPorts: [number, number] } };
}

export interface RunningStack {
  viewerOrigin: string;
  standinUrl: string;
  issuer: string;
  dicomWebRoot: string;
  orthancUrl: string;
  studyPageUrl: string;
  sampleData: SampleDataSummary;
  released?: RunningReleasedProfile;
  /** Set when the stack runs Glewlwyd; its tokens open the same DICOMweb root. */
  glewlwyd?: GlewlwydEndpoints;
  /** Set when the stack runs the Keycloak-backed KHEOPS; its own gateway reads the same Orthanc. */
  keycloak?: KeycloakEndpoints;
  /** Resolves once the viewer host has made the compressed copies of the app's files. */
  compressedCopiesMade: Promise<void>;
  stop(): Promise<void>;
}

export type GlewlwydEndpoints = Pick<RunningGlewlwyd, 'url' | 'issuer' | 'clientId' | 'scope' | 'tokenEndpoint'>;

export function ohifDistDir(): string {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).config.ohifApp as { version: string };
  return path.join(REPO_ROOT, '.cache', 'ohif-app', version, 'dist');
}

/** Each package's dist/runtime/ folder. */
export function runtimeModuleDirs(): string[] {
  return ['extension-kheops-auth', 'mode-kheops'].map(pkg => path.join(REPO_ROOT, pkg, 'dist', 'runtime'));
}

/**
 * Every file of each package's dist/runtime/, served under /modules/ as a deployer serves the folder:
 * besides the module the app configuration names, the modules it imports only when needed (the
 * extension's report download, with dcmjs), and source maps.
 */
export function runtimeModules(): Record<string, string> {
  const modules: Record<string, string> = {};
  for (const dir of runtimeModuleDirs()) {
    const pkg = path.basename(path.dirname(path.dirname(dir)));
    // The module itself is always listed, so a missing build is reported by name (viewer-host.ts).
    modules[`${pkg}.mjs`] = path.join(dir, `${pkg}.mjs`);
    for (const name of existsSync(dir) ? readdirSync(dir) : []) modules[name] = path.join(dir, name);
  }
  return modules;
}

/**
 * Starts Orthanc (with the sample data), the KHEOPS stand-in in front of it, and the prebuilt OHIF
 * app configured for the stand-in. Whatever started is stopped again if a later part fails.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      await stop().catch(() => undefined);
    }
    stops.length = 0;
  };
  try {
    mkdirSync(options.workDir, { recursive: true });
    const viewerOrigin = `http://localhost:${options.viewerPort}`;

    // Glewlwyd is configured while Orthanc loads the sample data: neither waits for the other.
    const [orthancStarted, glewlwydStarted] = await Promise.allSettled([
      startOrthancWithSampleData(options, log),
      options.glewlwydPort ? startStackGlewlwyd(options, viewerOrigin, log) : Promise.resolve(undefined),
    ]);
    if (orthancStarted.status === 'fulfilled') stops.push(() => orthancStarted.value.orthanc.stop());
    if (glewlwydStarted.status === 'fulfilled' && glewlwydStarted.value) {
      const running = glewlwydStarted.value;
      stops.push(() => running.stop());
    }
    if (orthancStarted.status === 'rejected') throw orthancStarted.reason;
    if (glewlwydStarted.status === 'rejected') throw glewlwydStarted.reason;
    const { orthanc, sampleData } = orthancStarted.value;
    const glewlwyd = glewlwydStarted.value;

    log(`starting the KHEOPS stand-in on 127.0.0.1:${options.standinPort}`);
    const standin: Standin = await startStandin({
      port: options.standinPort,
      orthancUrl: orthanc.url,
      viewerOrigin,
      ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}),
      testControls: options.testControls ?? false,
      logFile: path.join(options.workDir, 'gateway-requests.jsonl'),
      ...(glewlwyd ? { externalIssuers: [glewlwydIssuer(glewlwyd)] } : {}),
    });
    stops.push(() => standin.close());

    let keycloak: KeycloakEndpoints | undefined;
    if (options.keycloakPort) {
      log(`starting the Keycloak-backed KHEOPS stand-in on 127.0.0.1:${options.keycloakPort}`);
      const started = await startKeycloakStandin({
        port: options.keycloakPort,
        orthancUrl: orthanc.url,
        viewerOrigin,
        accessTokenTtl: options.accessTokenTtl,
        testControls: options.testControls ?? false,
        logFile: path.join(options.workDir, 'keycloak-gateway-requests.jsonl'),
      });
      stops.push(() => started.standin.close());
      keycloak = started.endpoints;
      log(`the Keycloak realm is the OpenID provider ${keycloak.issuer}`);
    }

    log(`starting the viewer on ${viewerOrigin}`);
    const sameOrigin = options.viewer?.sameOriginDicomWeb ?? false;
    const endpoints = sameOrigin ? { ...standin, dicomWebRoot: `${viewerOrigin}/api` } : standin;
    const keycloakEntry = keycloak ? keycloakInstance(keycloak) : undefined;
    const config = standinAppConfig(
      viewerOrigin,
      endpoints,
      [...(glewlwyd ? [glewlwydInstance(glewlwyd, endpoints.dicomWebRoot)] : []), ...(keycloakEntry ? [keycloakEntry] : [])],
      keycloakEntry ? [{ name: KEYCLOAK_DATA_SOURCE, instance: keycloakEntry }] : [],
    );
    const viewer: ViewerHost = await startViewerHost({
      port: options.viewerPort,
      distDir: ohifDistDir(),
      appConfigScript: renderAppConfigScript(config),
      ...(options.viewer?.loginPage ? { loginPage: options.viewer.loginPage } : {}),
      ...(sameOrigin ? { dicomWebProxy: standin.url } : {}),
      // The report-provider registration document KHEOPS reads, at /modules/report-provider.json.
      modules: { ...runtimeModules(), [REPORT_PROVIDER_DOCUMENT_NAME]: writeReportProviderDocument(options.workDir, viewerOrigin) },
      ...(options.liveReload ? { liveReload: { stamp: devBuildStamp(REPO_ROOT), moduleDirs: [...runtimeModuleDirs(), DEFAULT_LOGIN_PAGE_DIR] } } : {}),
      // The headers a deployment must send (platform-config/src/headers.ts), so every test runs under them.
      // The inline scripts' hashes are read from this OHIF release's index.html, as a deployer would.
      headers: viewerSecurityHeaders({
        viewerOrigin,
        connectSrc: [standin.issuer, standin.dicomWebRoot, ...(glewlwyd ? [glewlwyd.url] : []), ...(keycloak ? [keycloak.url] : [])],
        inlineScriptHashes: appInlineScriptHashes(ohifDistDir()),
      }),
    });
    stops.push(() => viewer.close());

    let released: RunningReleasedProfile | undefined;
    if (options.released) {
      log(`starting released KHEOPS on 127.0.0.1:${options.released.kheopsPort}, its realm on ${options.released.realmPort}, its viewer on ${options.released.viewerPort}`);
      released = await startReleasedProfile(
        {
          ...options.released,
          orthancUrl: orthanc.url,
          modules: runtimeModules(),
          distDir: ohifDistDir(),
          reportProviderDocument: origin => writeReportProviderDocument(path.join(options.workDir, 'released'), origin),
          bridge: options.released.bridge ? { ...options.released.bridge, workDir: options.workDir, repoRoot: REPO_ROOT } : undefined,
          testControls: options.testControls ?? false,
          logFile: path.join(options.workDir, 'released-gateway-requests.jsonl'),
        },
        stops,
      );
    }

    return {
      ...(released ? { released } : {}),
      viewerOrigin,
      compressedCopiesMade: viewer.compressedCopiesMade,
      standinUrl: standin.url,
      issuer: standin.issuer,
      dicomWebRoot: standin.dicomWebRoot,
      orthancUrl: orthanc.url,
      studyPageUrl: `${standin.url}/`,
      sampleData,
      ...(keycloak ? { keycloak } : {}),
      ...(glewlwyd ? { glewlwyd: { url: glewlwyd.url, issuer: glewlwyd.issuer, clientId: glewlwyd.clientId, scope: glewlwyd.scope, tokenEndpoint: glewlwyd.tokenEndpoint } } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startOrthancWithSampleData(options: StackOptions, log: (line: string) => void): Promise<{ orthanc: RunningOrthanc; sampleData: SampleDataSummary }> {
  log(`starting Orthanc on 127.0.0.1:${options.orthancPort}`);
  const orthanc = await startOrthanc({ port: options.orthancPort, workDir: path.join(options.workDir, 'orthanc') });
  try {
    const sampleData = await loadSampleData(orthanc.url);
    log(`sample data: ${sampleData.studies.map(study => `${study.description} (${study.series.length} series)`).join(', ')}`);
    return { orthanc, sampleData };
  } catch (error) {
    await orthanc.stop();
    throw error;
  }
}

async function startStackGlewlwyd(options: StackOptions, viewerOrigin: string, log: (line: string) => void): Promise<RunningGlewlwyd> {
  log(`starting Glewlwyd on 127.0.0.1:${options.glewlwydPort}`);
  const glewlwyd = await startGlewlwyd({
    port: options.glewlwydPort ?? 0,
    workDir: path.join(options.workDir, 'glewlwyd'),
    client: {
      clientId: 'ohif-viewer',
      redirectUris: viewerRedirectUris(viewerOrigin),
      postLogoutRedirectUris: [`${viewerOrigin}/kheops/signed-out`, `${viewerOrigin}/`],
    },
    users: glewlwydUsers(DEMO_USERS),
    ...(options.glewlwydAccessTokenTtl ? { accessTokenTtl: options.glewlwydAccessTokenTtl } : {}),
  });
  log(`Glewlwyd is the OpenID provider ${glewlwyd.issuer}`);
  return glewlwyd;
}

/** The gateway accepts Glewlwyd's access tokens and maps its opaque subjects to the demo accounts. */
function glewlwydIssuer(glewlwyd: RunningGlewlwyd): ExternalIssuer {
  return {
    issuer: glewlwyd.issuer,
    jwksUri: glewlwyd.jwksUri,
    userinfoEndpoint: glewlwyd.userinfoEndpoint,
    accountFor: userinfo => glewlwydUsers(DEMO_USERS).find(user => user.email === userinfo.email)?.username,
  };
}

/** The viewer trusts Glewlwyd as a second issuer whose tokens open the stand-in's DICOMweb root. */
function glewlwydInstance(glewlwyd: RunningGlewlwyd, dicomWebRoot: string): KheopsInstance {
  return { issuer: glewlwyd.issuer, clientId: glewlwyd.clientId, dicomWebRoot, displayName: 'Glewlwyd', scope: glewlwyd.scope, launches: ['oidc'] };
}

function writeReportProviderDocument(workDir: string, viewerOrigin: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, REPORT_PROVIDER_DOCUMENT_NAME);
  writeFileSync(file, `${JSON.stringify(reportProviderConfiguration({ viewerOrigin }), null, 2)}\n`);
  return file;
}
