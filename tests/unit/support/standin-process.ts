import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startLoopbackServer, type LoopbackServer } from './loopback';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface StandinProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (to check that no token ever appears there). */
  output(): string;
}

/**
 * The stand-in as a child process on a free port: oidc-provider is ESM-only and jest runs CommonJS.
 * `env` carries VIEWER_ORIGIN, ORTHANC_URL and any switch the test needs.
 */
export async function startStandinProcess(env: Record<string, string>): Promise<StandinProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/kheops-standin/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, STANDIN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /KHEOPS stand-in ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', code => reject(new Error(`stand-in exited with ${code} before it was ready:\n${output}`)));
  });
  return { child, url, output: () => output };
}

export function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export type EmptyOrthanc = LoopbackServer;

/** An Orthanc that knows no studies: the stand-in's token rules are under test, not its data. */
export function startEmptyOrthanc(): Promise<EmptyOrthanc> {
  return startLoopbackServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end('[]'));
}

/** An Orthanc the test must never reach: it answers 500, so a request that gets there fails the test. */
export function startUnreachedOrthanc(): Promise<LoopbackServer> {
  return startLoopbackServer((_req, res) => res.writeHead(500).end('the check must not reach upstream'));
}

/** RFC 8693 names the KHEOPS token endpoint (POST /api/token) uses. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** The viewer origin the unit stand-ins trust. */
export const VIEWER_ORIGIN = 'http://localhost:3000';
