// The stand-in's benchmark-only anonymous mode (StandinOptions.anonymousGateway) and the caching
// headers of its discovery document. The stand-in runs as a child process (oidc-provider is
// ESM-only; jest runs CommonJS), started from code because no command-line setting reaches this mode.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

jest.setTimeout(60000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const VIEWER_ORIGIN = 'http://localhost:3000';

let orthanc: Server;
let orthancUrl: string;
const reached: string[] = [];

async function startStandin(anonymousGateway: boolean): Promise<{ child: ChildProcess; url: string }> {
  const script = `
    const { startStandin } = await import('./tests/kheops-standin/src/index.ts');
    const standin = await startStandin({ port: 0, orthancUrl: ${JSON.stringify(orthancUrl)}, viewerOrigin: ${JSON.stringify(VIEWER_ORIGIN)}, anonymousGateway: ${anonymousGateway}, testControls: true });
    console.log('READY ' + standin.url);
    process.on('SIGTERM', () => standin.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', code => reject(new Error(`stand-in exited with ${code}:\n${output}`)));
  });
  child.removeAllListeners('exit');
  return { child, url };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  // A fake Orthanc: answers every GET with a small DICOM JSON array and records the path.
  orthanc = createServer((req, res) => {
    reached.push(req.url ?? '');
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const body =
      pathname === '/api/studies'
        ? '[{"0020000D":{"vr":"UI","Value":["1.2"]}}]'
        : pathname === '/api/studies/1.2/series'
          ? '[{"0020000E":{"vr":"UI","Value":["1.2.3"]},"00080060":{"vr":"CS","Value":["CT"]}}]'
          : '[{"00080060":{"vr":"CS","Value":["CT"]}}]';
    res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end(body);
  });
  await new Promise<void>(resolve => orthanc.listen(0, '127.0.0.1', () => resolve()));
  orthancUrl = `http://127.0.0.1:${(orthanc.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>(resolve => orthanc.close(() => resolve())));

test('the anonymous gateway forwards without a token and logs that no token was looked at', async () => {
  const { child, url } = await startStandin(true);
  try {
    const response = await fetch(`${url}/api/studies/1.2/series/1.2.3/metadata`);
    expect(response.status).toBe(200);
    expect(reached).toContain('/api/studies/1.2/series/1.2.3/metadata');
    // The log says how it was let through, so no one mistakes it for a checked request.
    const log = (await (await fetch(`${url}/__test/log`)).json()) as Array<{ path: string; outcome: string; tokenId: string; status: number }>;
    expect(log).toEqual([expect.objectContaining({ path: '/api/studies/1.2/series/1.2.3/metadata', outcome: 'anonymous', tokenId: 'none', status: 200 })]);
    // The study page's thumbnails open the viewer directly: there is no sign-in to go through.
    const page = await (await fetch(`${url}/?user=alice`)).text();
    expect(page).toContain(`href="${VIEWER_ORIGIN}/kheops?StudyInstanceUIDs=1.2&amp;initialSeriesInstanceUID=1.2.3"`);
    expect(page).not.toContain('/kheops/login');
  } finally {
    await stop(child);
  }
});

test('the ordinary gateway still wants a token, and discovery may be cached by browsers', async () => {
  const { child, url } = await startStandin(false);
  try {
    expect((await fetch(`${url}/api/studies/1.2/series/1.2.3/metadata`)).status).toBe(401);
    expect(await (await fetch(`${url}/?user=alice`)).text()).toContain(`href="${VIEWER_ORIGIN}/kheops/login?iss=`);
    const discovery = await fetch(`${url}/api/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');
  } finally {
    await stop(child);
  }
});
