// The report-provider bridge beside released KHEOPS (issue 16): two replicas (two processes) sharing one
// seen-code directory and one cookie key, behind a viewer of their own that mounts them on its origin
// under /kheops-bridge and sends requests to them in turn. KHEOPS registers the bridge's configuration URL
// as a code-form report provider of the album.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAppConfigScript } from '../../platform-config/src/app-config';
import { viewerSecurityHeaders } from '../../platform-config/src/headers';
import { BRIDGE_PATH, bridgeViewerAppConfig } from '../../platform-config/src/report-provider-bridge';
import type { CodeProviderRegistration } from '../kheops-standin/src/released/report-code';
import { startManagedProcess, waitUntilAnswering } from './managed-process';
import { assertPortFree } from './ports';
import { appInlineScriptHashes, startViewerHost } from './viewer-host';

export const BRIDGE_CLIENT_ID = 'ohif-bridge';
const READY_TIMEOUT_MS = 60_000;

export interface BridgeProfileOptions {
  viewerPort: number;
  replicaPorts: [number, number];
  /** Released KHEOPS's origin: the one root the bridge trusts. */
  kheopsUrl: string;
  workDir: string;
  repoRoot: string;
  modules: Record<string, string>;
  distDir: string;
}

export interface RunningBridgeProfile {
  viewerOrigin: string;
  configurationUrl: string;
  clientId: string;
  /** One JSON-lines log per replica (name -> file). */
  replicaLogs: Record<string, string>;
  seenCodesDir: string;
}

export function bridgeViewerOrigin(viewerPort: number): string {
  return `http://localhost:${viewerPort}`;
}

/** What KHEOPS's album registers: the bridge's configuration URL, on the viewer's origin. */
export function bridgeRegistration(viewerPort: number): CodeProviderRegistration {
  return { clientId: BRIDGE_CLIENT_ID, name: 'OHIF viewer through the bridge', configurationUrl: `${bridgeViewerOrigin(viewerPort)}${BRIDGE_PATH}/.well-known/report-provider-configuration` };
}

function pem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export async function startBridgeProfile(options: BridgeProfileOptions, stops: Array<() => Promise<void>>): Promise<RunningBridgeProfile> {
  const viewerOrigin = bridgeViewerOrigin(options.viewerPort);
  const dir = path.join(options.workDir, 'bridge');
  const seenCodesDir = path.join(dir, 'seen-codes');
  mkdirSync(seenCodesDir, { recursive: true });
  // Two published keys, the second one signing: the JWKS a rotation in progress publishes.
  const keyFiles = ['signing-old.pem', 'signing-new.pem'].map(name => {
    const file = path.join(dir, name);
    writeFileSync(file, pem(), { mode: 0o600 });
    return file;
  });
  const cookieKey = randomBytes(32).toString('base64url');
  const replicaLogs: Record<string, string> = {};
  for (const [index, port] of options.replicaPorts.entries()) {
    const name = `bridge-${index === 0 ? 'a' : 'b'}`;
    await assertPortFree(port, `report-provider bridge ${name}`, index === 0 ? 'BRIDGE_PORT' : 'BRIDGE2_PORT');
    const logFile = path.join(dir, `${name}.jsonl`);
    writeFileSync(logFile, '');
    const replica = startManagedProcess(process.execPath, ['--import', 'tsx', path.join(options.repoRoot, 'report-provider-bridge', 'src', 'main.ts')], {
      stdoutFile: logFile,
      cwd: options.repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TMPDIR: process.env.TMPDIR ?? '/tmp',
        BRIDGE_PORT: String(port),
        BRIDGE_PUBLIC_URL: `${viewerOrigin}${BRIDGE_PATH}`,
        BRIDGE_VIEWER_LANDING: `${viewerOrigin}/kheops/bridge`,
        BRIDGE_KHEOPS_ROOTS: options.kheopsUrl,
        BRIDGE_SIGNING_KEYS: keyFiles.join(','),
        BRIDGE_COOKIE_KEYS: cookieKey,
        BRIDGE_SEEN_CODES_DIR: seenCodesDir,
        BRIDGE_REPLICA_NAME: name,
      },
    });
    stops.push(() => replica.stop());
    await waitUntilAnswering(`report-provider bridge ${name}`, `http://127.0.0.1:${port}/health`, replica, logFile, READY_TIMEOUT_MS);
    replicaLogs[name] = logFile;
  }
  const viewer = await startViewerHost({
    port: options.viewerPort,
    distDir: options.distDir,
    appConfigScript: renderAppConfigScript(bridgeViewerAppConfig(viewerOrigin)),
    modules: options.modules,
    bridgeProxy: { pathPrefix: BRIDGE_PATH, targets: options.replicaPorts.map(port => `http://127.0.0.1:${port}`) },
    headers: viewerSecurityHeaders({
      viewerOrigin,
      // DICOMweb is on the viewer's own origin (the bridge): nothing else to connect to.
      connectSrc: [],
      inlineScriptHashes: appInlineScriptHashes(options.distDir),
    }),
  });
  stops.push(() => viewer.close());
  return { viewerOrigin, configurationUrl: bridgeRegistration(options.viewerPort).configurationUrl, clientId: BRIDGE_CLIENT_ID, replicaLogs, seenCodesDir };
}
