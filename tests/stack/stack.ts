import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAppConfigScript } from '../../platform-config/src/app-config';
import { inlineScriptHashes, viewerSecurityHeaders } from '../../platform-config/src/headers';
import { standinAppConfig } from '../../platform-config/src/examples';
import { REPORT_PROVIDER_DOCUMENT_NAME, reportProviderConfiguration } from '../../platform-config/src/report-provider';
import { loadSampleData, type SampleDataSummary } from '../fixtures/load-sample-data';
import { startStandin, type Standin } from '../kheops-standin/src/index';
import { startOrthanc, type RunningOrthanc } from './orthanc';
import { devBuildStamp } from './live-reload';
import { DEFAULT_LOGIN_PAGE_DIR, startViewerHost, type ViewerHost } from './viewer-host';
import { startReleasedProfile, type RunningReleasedProfile } from './released-stack';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface StackOptions {
  viewerPort: number;
  standinPort: number;
  orthancPort: number;
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
  released?: { viewerPort: number; kheopsPort: number; realmPort: number; realmAccessTokenTtl?: number };
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
  stop(): Promise<void>;
}

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

    log(`starting Orthanc on 127.0.0.1:${options.orthancPort}`);
    const orthanc: RunningOrthanc = await startOrthanc({ port: options.orthancPort, workDir: path.join(options.workDir, 'orthanc') });
    stops.push(() => orthanc.stop());
    const sampleData = await loadSampleData(orthanc.url);
    log(`sample data: ${sampleData.studies.map(study => `${study.description} (${study.series.length} series)`).join(', ')}`);

    log(`starting the KHEOPS stand-in on 127.0.0.1:${options.standinPort}`);
    const standin: Standin = await startStandin({
      port: options.standinPort,
      orthancUrl: orthanc.url,
      viewerOrigin,
      ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}),
      testControls: options.testControls ?? false,
      logFile: path.join(options.workDir, 'gateway-requests.jsonl'),
    });
    stops.push(() => standin.close());

    log(`starting the viewer on ${viewerOrigin}`);
    const sameOrigin = options.viewer?.sameOriginDicomWeb ?? false;
    const config = standinAppConfig(viewerOrigin, sameOrigin ? { ...standin, dicomWebRoot: `${viewerOrigin}/api` } : standin);
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
        connectSrc: [standin.issuer, standin.dicomWebRoot],
        inlineScriptHashes: inlineScriptHashes(readFileSync(path.join(ohifDistDir(), 'index.html'), 'utf8')),
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
          testControls: options.testControls ?? false,
          logFile: path.join(options.workDir, 'released-gateway-requests.jsonl'),
        },
        stops,
      );
    }

    return {
      ...(released ? { released } : {}),
      viewerOrigin,
      standinUrl: standin.url,
      issuer: standin.issuer,
      dicomWebRoot: standin.dicomWebRoot,
      orthancUrl: orthanc.url,
      studyPageUrl: `${standin.url}/`,
      sampleData,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function writeReportProviderDocument(workDir: string, viewerOrigin: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, REPORT_PROVIDER_DOCUMENT_NAME);
  writeFileSync(file, `${JSON.stringify(reportProviderConfiguration({ viewerOrigin }), null, 2)}\n`);
  return file;
}
