// Running a server binary the stack depends on (Orthanc, Glewlwyd) as a child that never outlives it.
//
// Lifetime: the child is spawned in the caller's process group (not detached), so killing that group
// kills it too. When util-linux `setpriv` is available it is started through
// `setpriv --pdeathsig KILL`, which makes the kernel kill the child if its parent dies without cleaning
// up (SIGKILL, crash). A normal exit of the parent also kills it (process 'exit' hook). stop() is the
// orderly way: SIGTERM, then SIGKILL if it lingers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 30;

export interface ManagedProcess {
  pid: number;
  /** Set once the process has exited: how it ended and what it said on stderr. */
  exit(): string | undefined;
  /** Ends the process; resolves once it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH, else the first of `fallbacks` that is executable. */
export function findBinary(name: string, fallbacks: string[]): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  return [...onPath, ...fallbacks].find(isExecutable);
}

/** Probes the port the way a server would bind it (some bind every interface whatever they are told). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts `binary`; its stdout is dropped (servers here log to a file) unless `stdoutFile` names one to
 * append it to (a server that logs to stdout), stderr is kept for early failures.
 */
export function startManagedProcess(binary: string, args: string[], options: { stdoutFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
  const setpriv = parentDeathSignalWrapper();
  const [command, commandArgs] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'ignore';
  const child = spawn(command, commandArgs, { stdio: ['ignore', stdout, 'pipe'], detached: false, ...(options.env ? { env: options.env } : {}), ...(options.cwd ? { cwd: options.cwd } : {}) });
  return watchProcess(child);
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

function watchProcess(child: ChildProcess): ManagedProcess {
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
  return { pid: child.pid ?? -1, exit: () => exitDescription, stop };
}

/** Polls `url` until it answers 2xx; fails early, with the log's tail, when the process exits. */
export async function waitUntilAnswering(
  what: string,
  url: string,
  server: ManagedProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = server.exit();
    if (exit !== undefined) {
      throw new Error(`${what} ${exit} before answering.\n${logTail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s.\n${logTail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    return `Last lines of ${logFile}:\n${lines.slice(-LOG_TAIL_LINES).join('\n')}`;
  } catch {
    return `(no log at ${logFile})`;
  }
}
