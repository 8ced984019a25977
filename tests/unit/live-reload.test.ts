// The demo's live reload (npm run dev): open pages hear a rebuild, and modules renamed by it are served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { LIVE_RELOAD_PATH } from '../stack/live-reload';
import { startViewerHost, type ViewerHost } from '../stack/viewer-host';

let workDir: string;
let distDir: string;
let moduleDir: string;
let stamp: string;
let host: ViewerHost;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'live-reload-test-'));
  distDir = path.join(workDir, 'dist');
  moduleDir = path.join(workDir, 'runtime');
  stamp = path.join(workDir, 'dev', 'last-build');
  mkdirSync(distDir);
  mkdirSync(moduleDir);
  writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>OHIF</title>');
  host = await startViewerHost({ port: 0, distDir, appConfigScript: 'window.config = {};', modules: {}, loginPage: 'viewer', liveReload: { stamp, moduleDirs: [moduleDir] } });
});

afterAll(async () => {
  await host.close();
  rmSync(workDir, { recursive: true, force: true });
});

test('app-config.js listens for reloads', async () => {
  const text = await (await fetch(`${host.origin}/app-config.js`)).text();
  expect(text.startsWith('window.config = {};')).toBe(true);
  expect(text).toContain(`new EventSource('${LIVE_RELOAD_PATH}')`);
});

test('a rebuild tells every open page to reload', async () => {
  const received = new Promise<string>((resolve, reject) => {
    const events = request(`${host.origin}${LIVE_RELOAD_PATH}`, response => {
      expect(response.headers['content-type']).toBe('text/event-stream');
      let text = '';
      response.setEncoding('utf8');
      response.on('data', chunk => {
        text += chunk;
        // Written once the stream is open, so the change cannot come before the page listens.
        if (text.includes(': connected')) writeFileSync(stamp, `${Date.now()}\n`);
        if (text.includes('data: reload')) {
          events.destroy();
          resolve(text);
        }
      });
    });
    events.on('error', reject);
    events.end();
  });
  await expect(received).resolves.toContain('data: reload');
});

test('a module renamed by a rebuild is served from its folder; nothing outside it is', async () => {
  writeFileSync(path.join(moduleDir, 'kheops-lazy-NEWHASH.mjs'), 'export const rebuilt = true;');
  const found = await fetch(`${host.origin}/modules/kheops-lazy-NEWHASH.mjs`);
  expect(found.status).toBe(200);
  await expect(found.text()).resolves.toContain('rebuilt');
  expect((await fetch(`${host.origin}/modules/..%2Fdist%2Findex.html`)).status).toBe(404);
  expect((await fetch(`${host.origin}/modules/missing.mjs`)).status).toBe(404);
});
