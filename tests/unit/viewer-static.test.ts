// The viewer host's brotli/gzip copies and caching of the app's files, and check-config's
// --viewer-url check of both, run against the real viewer host.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { get } from 'node:http';
import { appBundleUrl, checkViewerStatic, freshSeconds } from '../../platform-config/src/check/viewer-static';
import { chooseEncoding, CompressedCopies } from '../stack/static-compression';
import { startViewerHost, type ViewerHost } from '../stack/viewer-host';

const BUNDLE = 'app.bundle.0f6159c501addfe9.js';
const BUNDLE_TEXT = `/* OHIF */ ${'console.log("a line of the app bundle");\n'.repeat(2000)}`;

let workDir: string;
let distDir: string;
let loginPageDir: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'viewer-static-test-'));
  distDir = path.join(workDir, 'dist');
  loginPageDir = path.join(workDir, 'login-page');
  mkdirSync(distDir);
  mkdirSync(loginPageDir);
  writeFileSync(path.join(distDir, 'index.html'), `<!doctype html><script src="/app-config.js"></script><script defer="defer" src="/${BUNDLE}"></script>`);
  writeFileSync(path.join(distDir, BUNDLE), BUNDLE_TEXT);
  writeFileSync(path.join(distDir, '1602.css'), 'body { color: black; }\n'.repeat(200));
  for (const name of ['kheops-login.html', 'kheops-login.mjs', 'kheops-login.mjs.map', 'kheops-popup-callback.html', 'kheops-popup-callback.mjs', 'kheops-popup-callback.mjs.map']) {
    writeFileSync(path.join(loginPageDir, name), '');
  }
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function withHost(compression: CompressedCopies | false, run: (host: ViewerHost) => Promise<void>): Promise<void> {
  const host = await startViewerHost({ port: 0, distDir, appConfigScript: 'window.config = {};', modules: {}, loginPageDir, compression });
  try {
    await run(host);
  } finally {
    await host.close();
  }
}

/** A raw GET (node's fetch would decode the body and hide what was sent). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, response => {
      const chunks: Buffer[] = [];
      response.on('data', chunk => chunks.push(chunk as Buffer));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('Accept-Encoding: brotli before gzip, q=0 refuses, nothing offered means identity', () => {
  expect(chooseEncoding('gzip, deflate, br')).toBe('br');
  expect(chooseEncoding('gzip, br;q=0')).toBe('gzip');
  expect(chooseEncoding('identity')).toBeUndefined();
  expect(chooseEncoding(undefined)).toBeUndefined();
});

test('the hashed bundle is sent brotli-encoded and immutable once its copy exists; the unhashed style sheet is revalidated', async () => {
  const copies = new CompressedCopies(path.join(workDir, 'compressed'));
  await copies.make(path.join(distDir, BUNDLE));
  await withHost(copies, async host => {
    const bundle = await rawGet(`${host.origin}/${BUNDLE}`, { 'Accept-Encoding': 'gzip, br' });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-encoding']).toBe('br');
    expect(bundle.headers.vary).toBe('Accept-Encoding');
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bundle.body.length).toBeLessThan(BUNDLE_TEXT.length / 10);
    expect(brotliDecompressSync(bundle.body).toString()).toBe(BUNDLE_TEXT);

    const plain = await rawGet(`${host.origin}/${BUNDLE}`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(BUNDLE_TEXT);

    const css = await rawGet(`${host.origin}/1602.css`, { 'Accept-Encoding': 'br' });
    expect(css.headers['cache-control']).toBe('no-cache');
  });
});

test('check-config --viewer-url passes a host that compresses and caches, and names what is missing on one that does not', async () => {
  const copies = new CompressedCopies(path.join(workDir, 'compressed'));
  await copies.make(path.join(distDir, BUNDLE));
  await withHost(copies, async host => {
    const results = await checkViewerStatic(`${host.origin}/`, 5000);
    expect(results.map(result => [result.name, result.ok])).toEqual([
      ['viewer bundle compression', true],
      ['viewer bundle caching', true],
    ]);
  });
  await withHost(false, async host => {
    const [compression] = await checkViewerStatic(`${host.origin}/`, 5000);
    expect(compression?.ok).toBe(false);
    expect(compression?.detail).toContain(`${BUNDLE} is sent uncompressed`);
  });
});

test('reading index.html and Cache-Control as the check does', () => {
  const index = new URL('https://viewer.example.org/');
  expect(appBundleUrl(`<script src="/app-config.js"></script><script defer src="/vendor.js"></script><script src=/app.bundle.abc.js></script>`, index)?.href).toBe('https://viewer.example.org/app.bundle.abc.js');
  expect(appBundleUrl('<script src="https://cdn.example.org/x.js"></script>', index)).toBeUndefined();
  expect(freshSeconds('public, max-age=31536000, immutable')).toBe(31536000);
  expect(freshSeconds('no-cache, max-age=600')).toBe(0);
  expect(freshSeconds(null)).toBe(0);
});
