// Runs a throw-away Orthanc with its DICOMweb plugin, as the DICOMweb server behind the KHEOPS stand-in.
// It lives and dies with the stack (managed-process.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, isPortFree, logTail, startManagedProcess, waitUntilAnswering } from './managed-process';

export interface OrthancOptions {
  port: number;
  /** Folder for storage, index, configuration and log; created if missing. */
  workDir: string;
}

export interface RunningOrthanc {
  /** Orthanc's REST API, e.g. http://127.0.0.1:8042 */
  url: string;
  /** DICOMweb root: url + '/api' (QIDO /api/studies, WADO-RS, STOW, WADO-URI /api/wado). */
  dicomWebRoot: string;
  pid: number;
  logFile: string;
  /** Ends Orthanc; resolves once the process has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const FALLBACK_BINARY = '/usr/sbin/Orthanc';
const STARTUP_TIMEOUT_MS = 30_000;

export async function startOrthanc(options: OrthancOptions): Promise<RunningOrthanc> {
  const binary = findOrthancBinary();
  if (!binary) {
    throw new Error('Orthanc is not installed. On Debian/Ubuntu: sudo apt-get install -y orthanc orthanc-dicomweb');
  }
  if (!existsSync(DICOMWEB_PLUGIN)) {
    throw new Error(
      `Orthanc's DICOMweb plugin is missing (${DICOMWEB_PLUGIN}). On Debian/Ubuntu: sudo apt-get install -y orthanc-dicomweb`,
    );
  }
  if (!(await isPortFree(options.port))) {
    throw new Error(`port ${options.port} is in use (Orthanc); set ORTHANC_PORT to a free port`);
  }

  mkdirSync(options.workDir, { recursive: true });
  const configFile = join(options.workDir, 'orthanc.json');
  const logFile = join(options.workDir, 'orthanc.log');
  writeFileSync(configFile, JSON.stringify(orthancConfiguration(options), null, 2));

  const running = startManagedProcess(binary, [`--logfile=${logFile}`, '--no-jobs', configFile]);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilAnswering('Orthanc', `${url}/system`, running, logFile, STARTUP_TIMEOUT_MS);
    await expectDicomWebAnswers(`${url}/api/studies`, logFile);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return { url, dicomWebRoot: `${url}/api`, pid: running.pid, logFile, stop: running.stop };
}

function orthancConfiguration({ port, workDir }: OrthancOptions): Record<string, unknown> {
  return {
    Name: 'kheops-ohif-local',
    StorageDirectory: join(workDir, 'storage'),
    IndexDirectory: join(workDir, 'index'),
    Plugins: [DICOMWEB_PLUGIN],
    HttpServerEnabled: true,
    HttpPort: port,
    HttpTimeout: 60,
    // Browsers and the gateway reuse connections; Nagle would add latency to every small QIDO answer.
    KeepAlive: true,
    TcpNoDelay: true,
    HttpCompressionEnabled: false,
    // Orthanc 1.10 listens on all interfaces whatever HttpBindAddress says; this refuses other hosts.
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    SslEnabled: false,
    DicomServerEnabled: false,
    StorageCompression: false,
    StableAge: 1,
    SaveJobs: false,
    ConcurrentJobs: 1,
    JobsHistorySize: 10,
    ExecuteLuaEnabled: false,
    RestApiWriteToFileSystemEnabled: false,
    DicomWeb: {
      Enable: true,
      // "/api/" as in KHEOPS: a gateway in front forwards /api/... unchanged, with the original Host,
      // and Orthanc builds its BulkDataURIs from that Host, so they point back at the gateway.
      Root: '/api/',
      EnableWado: true,
      WadoRoot: '/api/wado',
      Ssl: false,
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
    },
  };
}

function findOrthancBinary(): string | undefined {
  return findBinary('Orthanc', [FALLBACK_BINARY]);
}

async function expectDicomWebAnswers(url: string, logFile: string): Promise<void> {
  const response = await fetch(url, { headers: { Accept: 'application/dicom+json' } });
  await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(
      `Orthanc runs but its DICOMweb plugin does not answer ${url} (HTTP ${response.status}).\n${logTail(logFile)}`,
    );
  }
}
