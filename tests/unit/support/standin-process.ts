import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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
