import { renderAppConfigScript } from '../../platform-config/src/app-config';
import { viewerSecurityHeaders } from '../../platform-config/src/headers';
import { releasedStandinAppConfig } from '../../platform-config/src/examples';
import { REPORT_PROVIDER_DOCUMENT_NAME } from '../../platform-config/src/report-provider';
import { startReleased } from '../kheops-standin/src/released/main';
import { appInlineScriptHashes, startViewerHost } from './viewer-host';
import { bridgeRegistration, startBridgeProfile, type RunningBridgeProfile } from './bridge-stack';

export interface ReleasedProfileOptions {
  /** A viewer of its own (one app configuration per KHEOPS), the released KHEOPS, its realm. */
  viewerPort: number;
  kheopsPort: number;
  realmPort: number;
  orthancUrl: string;
  modules: Record<string, string>;
  distDir: string;
  /** The report-provider registration document, written for this viewer's origin. */
  reportProviderDocument(viewerOrigin: string): string;
  realmAccessTokenTtl?: number | undefined;
  testControls: boolean;
  logFile: string;
  /** The report-provider bridge (two replicas and a viewer of its own), registered as a code-form provider. */
  bridge?: { viewerPort: number; replicaPorts: [number, number]; workDir: string; repoRoot: string } | undefined;
}

export interface RunningReleasedProfile {
  viewerOrigin: string;
  kheopsUrl: string;
  dicomWebRoot: string;
  realmIssuer: string;
  realmUrl: string;
  studyPageUrl: string;
  bridge?: RunningBridgeProfile;
}

/**
 * Released KHEOPS beside the default stand-in, on the same Orthanc: its realm, its API and UI, and a
 * viewer configured to upgrade its launches through the realm (kheopsAuth `upgradeThrough`).
 */
export async function startReleasedProfile(options: ReleasedProfileOptions, stops: Array<() => Promise<void>>): Promise<RunningReleasedProfile> {
  const viewerOrigin = `http://localhost:${options.viewerPort}`;
  const released = await startReleased({
    port: options.kheopsPort,
    realmPort: options.realmPort,
    orthancUrl: options.orthancUrl,
    viewerOrigin,
    realmAccessTokenTtl: options.realmAccessTokenTtl,
    testControls: options.testControls,
    logFile: options.logFile,
    ...(options.bridge ? { codeProviders: [bridgeRegistration(options.bridge.viewerPort)] } : {}),
  });
  stops.push(() => released.close());
  const bridge = options.bridge
    ? await startBridgeProfile({ ...options.bridge, kheopsUrl: released.kheops.url, modules: options.modules, distDir: options.distDir }, stops)
    : undefined;
  const endpoints = { realmIssuer: released.realm.issuer, dicomWebRoot: released.kheops.dicomWebRoot };
  const viewer = await startViewerHost({
    port: options.viewerPort,
    distDir: options.distDir,
    appConfigScript: renderAppConfigScript(releasedStandinAppConfig(viewerOrigin, endpoints)),
    modules: { ...options.modules, [REPORT_PROVIDER_DOCUMENT_NAME]: options.reportProviderDocument(viewerOrigin) },
    headers: viewerSecurityHeaders({
      viewerOrigin,
      connectSrc: [released.realm.issuer, released.kheops.dicomWebRoot],
      // Released KHEOPS opens the viewer in a named tab and finds that tab again by its name on the next
      // click; a Cross-Origin-Opener-Policy would put the viewer in a new browsing context, which drops
      // the name (Chromium, measured) and with it the viewer's evidence that KHEOPS opened this tab.
      openerPolicy: 'unsafe-none',
      inlineScriptHashes: appInlineScriptHashes(options.distDir),
    }),
  });
  stops.push(() => viewer.close());
  return {
    viewerOrigin,
    kheopsUrl: released.kheops.url,
    dicomWebRoot: released.kheops.dicomWebRoot,
    realmIssuer: released.realm.issuer,
    realmUrl: released.realm.url,
    studyPageUrl: `${released.kheops.url}/`,
    ...(bridge ? { bridge } : {}),
  };
}
