// Runs a throw-away Orthanc with its DICOMweb plugin, as the DICOMweb server behind the KHEOPS stand-in.
//
// Lifetime: Orthanc is spawned in the caller's process group (not detached), so killing that group
// kills it too. When util-linux `setpriv` is available it is started through
// `setpriv --pdeathsig KILL`, which makes the kernel kill Orthanc if its parent dies without cleaning
// up (SIGKILL, crash). A normal exit of the parent also kills it (process 'exit' hook). stop() is the
// orderly way: SIGTERM, then SIGKILL if it lingers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

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
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 30;

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

  const child = spawnOrthanc(binary, [`--logfile=${logFile}`, '--no-jobs', configFile]);
  const url = `http://127.0.0.1:${options.port}`;
  const running = watchProcess(child);
  try {
    await waitUntilAnswering(`${url}/system`, running, logFile);
    await expectDicomWebAnswers(`${url}/api/studies`, logFile);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return { url, dicomWebRoot: `${url}/api`, pid: child.pid ?? -1, logFile, stop: running.stop };
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
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'Orthanc'));
  return [...onPath, FALLBACK_BINARY].find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Probes the port the way a server would bind it; Orthanc itself binds every interface. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function spawnOrthanc(binary: string, args: string[]): ChildProcess {
  const setpriv = parentDeathSignalWrapper();
  const [command, commandArgs] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
  // stdout is unused (--logfile takes the log); stderr is kept for failures before the log file opens.
  return spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
}

let cachedSetpriv: string | null | undefined;

/** `setpriv` (util-linux >= 2.33) with a working --pdeathsig, or null. */
function parentDeathSignalWrapper(): string | null {
  if (cachedSetpriv === undefined) {
    const candidate = ['/usr/bin/setpriv', '/bin/setpriv'].find(isExecutable);
    cachedSetpriv =
      candidate && spawnSync(candidate, ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore' }).status === 0
        ? candidate
        : null;
  }
  return cachedSetpriv;
}

interface WatchedProcess {
  /** Set once the process has exited: how it ended and what it said on stderr. */
  exit(): string | undefined;
  stop(): Promise<void>;
}

function watchProcess(child: ChildProcess): WatchedProcess {
  let stderrTail = '';
  let exitDescription: string | undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });

  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnParentExit);

  const exited = new Promise<void>((resolve) => {
    const done = (description: string): void => {
      exitDescription ??= `${description}${stderrTail ? `; stderr:\n${stderrTail}` : ''}`;
      process.removeListener('exit', killOnParentExit);
      resolve();
    };
    child.once('exit', (code, signal) => done(signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.once('error', (error) => done(`could not be started: ${error.message}`));
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitDescription !== undefined) return;
      child.kill('SIGTERM');
      const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(escalation);
    })();
    return stopping;
  };
  return { exit: () => exitDescription, stop };
}

async function waitUntilAnswering(url: string, orthanc: WatchedProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const exit = orthanc.exit();
    if (exit !== undefined) {
      throw new Error(`Orthanc ${exit} before answering.\n${logTail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`Orthanc did not answer ${url} within ${STARTUP_TIMEOUT_MS / 1000} s.\n${logTail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    return `Last lines of ${logFile}:\n${lines.slice(-LOG_TAIL_LINES).join('\n')}`;
  } catch {
    return `(no log at ${logFile})`;
  }
}
