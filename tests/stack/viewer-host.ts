import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { inlineScriptHashes } from '../../platform-config/src/headers';
import { isDicomWebPath, proxyDicomWeb } from './dicomweb-proxy';
import { startLiveReload, type LiveReload } from './live-reload';
import { chooseEncoding, CompressedCopies, isCompressible } from './static-compression';
import { answerLoginPost } from './login-post';
import { assertPortFree } from './ports';

/** The small login page's build output (npm run build): kheops-login.html and kheops-login.mjs. */
// From import.meta.url, which jest's swc transform also rewrites for CommonJS (import.meta.dirname it does not).
export const DEFAULT_LOGIN_PAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'extension-kheops-auth', 'dist', 'login-page');

/** Where the brotli and gzip copies of served files are kept between runs (static-compression.ts). */
export const DEFAULT_COMPRESSION_CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'compressed');

/** Hashed file names (rspack's content hashes): their content never changes, so a year of caching is safe. */
export function isHashedAsset(file: string): boolean {
  const name = path.basename(file);
  return /\.[0-9a-f]{16}\.(js|css|wasm)$/.test(name) || /^[0-9a-f]{16}\.(wasm|woff2)$/.test(name);
}

/** Serves the prebuilt OHIF app as a single-page app, with our app-config.js and runtime modules. */
export interface ViewerHostOptions {
  port: number;
  /** The prebuilt app's dist/ folder. */
  distDir: string;
  /** Text served as /app-config.js. */
  appConfigScript: string;
  /** Files served under /modules/: name -> absolute path. */
  modules: Record<string, string>;
  /** The demo's developer loop (live-reload.ts): reload open pages after each `npm run dev` rebuild. */
  liveReload?: { stamp: string; moduleDirs: string[] } | undefined;
  /** Extra response headers on every answer (deployment headers). */
  headers?: Record<string, string>;
  /**
   * Who answers GET on the login path: 'small' (default) serves the small login page, which starts
   * the sign-in without booting OHIF; 'viewer' lets OHIF's in-viewer route do it (for deployments
   * that can only serve the app).
   */
  loginPage?: 'small' | 'viewer';
  /** Folder with kheops-login.html and kheops-login.mjs; default: the extension's build output. */
  loginPageDir?: string;
  /** The kheopsAuth routes.login path; default /kheops/login. */
  loginPath?: string;
  /** The kheopsAuth routes.popupCallback path, served by the small popup callback page with `loginPage: 'small'`; default /kheops/popup-callback. */
  popupCallbackPath?: string;
  /**
   * Origin of a DICOMweb gateway whose /api/studies…, /api/series…, /api/instances…, /api/wado paths
   * this host forwards, so DICOMweb is same-origin for the viewer (no CORS preflights). Off by default.
   */
  dicomWebProxy?: string;
  /**
   * The report-provider bridge mounted on the viewer's origin: requests under `pathPrefix` go to the
   * bridge replicas at `targets` (origins) in turn, as a round-robin load balancer would send them.
   */
  bridgeProxy?: { pathPrefix: string; targets: string[] } | undefined;
  /** brotli/gzip copies of compressible files (default: kept in DEFAULT_COMPRESSION_CACHE_DIR); false: always identity. */
  compression?: CompressedCopies | false;
}

/**
 * The hashes of the inline scripts in the prebuilt app's index.html, for the Content-Security-Policy
 * every viewer host sends (read from the release, as a deployer would).
 */
export function appInlineScriptHashes(distDir: string): string[] {
  return inlineScriptHashes(readFileSync(path.join(distDir, 'index.html'), 'utf8'));
}

export interface ViewerHost {
  origin: string;
  /** Resolves once every app file's compressed copies exist (made in the background at start); a bench waits for it so its first round is not served uncompressed. */
  compressedCopiesMade: Promise<void>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
};

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * 'no-cache' files are revalidated on every load; an ETag lets that cost a 304 instead of the whole
 * file, as any static file server does (the runtime modules and the login page are loaded per launch).
 */
function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cache: string, headers: Record<string, string>, compression?: CompressedCopies | false): void {
  const stat = statSync(file);
  const compressible = compression !== false && compression !== undefined && isCompressible(file, stat.size);
  const encoding = compressible ? chooseEncoding(req.headers['accept-encoding']) : undefined;
  // The copy is made in the background on a first request; until then the file goes as it is.
  const copy = encoding && compression ? compression.copyOf(file, encoding) : undefined;
  const variant = copy ? `-${encoding}` : '';
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${variant}"`;
  const vary: Record<string, string> = compressible ? { Vary: 'Accept-Encoding' } : {};
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ...headers, ...vary, ETag: etag, 'Cache-Control': cache }).end();
    return;
  }
  const body = copy ?? file;
  res.writeHead(200, {
    ...headers,
    ...vary,
    'Content-Type': contentType(file),
    'Content-Length': copy ? statSync(copy).size : stat.size,
    'Cache-Control': cache,
    ETag: etag,
    ...(copy && encoding ? { 'Content-Encoding': encoding } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(body).pipe(res);
}

/** Resolves a URL path inside `root`, or undefined when it escapes it or names no file. */
function fileInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (!file.startsWith(`${root}${path.sep}`)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** The app's top-level files (its bundles, styles and WebAssembly all sit there). */
export function appFiles(distDir: string): string[] {
  return readdirSync(distDir)
    .map(name => path.join(distDir, name))
    .filter(file => statSync(file).isFile());
}

export async function startViewerHost(options: ViewerHostOptions): Promise<ViewerHost> {
  const distDir = path.resolve(options.distDir);
  const indexHtml = path.join(distDir, 'index.html');
  if (!existsSync(indexHtml)) {
    throw new Error(`The prebuilt OHIF app is missing (${indexHtml}). Run "npm run setup" to fetch it.`);
  }
  for (const [name, file] of Object.entries(options.modules)) {
    if (!existsSync(file)) {
      throw new Error(`The runtime module ${name} is missing (${file}). Run "npm run build" first.`);
    }
  }
  const loginPath = options.loginPath ?? '/kheops/login';
  const modules = { ...options.modules };
  const popupCallbackPath = options.popupCallbackPath ?? '/kheops/popup-callback';
  let loginPageHtml: string | undefined;
  let popupCallbackHtml: string | undefined;
  if ((options.loginPage ?? 'small') === 'small') {
    const dir = options.loginPageDir ?? DEFAULT_LOGIN_PAGE_DIR;
    loginPageHtml = path.join(dir, 'kheops-login.html');
    popupCallbackHtml = path.join(dir, 'kheops-popup-callback.html');
    // The pages load their modules from /modules/, next to the runtime modules (see scripts/bundle-runtime.mjs).
    for (const name of ['kheops-login.mjs', 'kheops-popup-callback.mjs', 'kheops-prefetch-worker.mjs']) {
      modules[name] ??= path.join(dir, name);
      modules[`${name}.map`] ??= path.join(dir, `${name}.map`);
    }
    for (const page of [loginPageHtml, popupCallbackHtml]) {
      if (!existsSync(page)) throw new Error(`The small sign-in page ${path.basename(page)} is missing (${page}). Run "npm run build" first.`);
    }
  }
  if (options.port !== 0) await assertPortFree(options.port, 'the viewer', 'VIEWER_PORT');
  const headers = options.headers ?? {};
  const compression = options.compression ?? new CompressedCopies(DEFAULT_COMPRESSION_CACHE_DIR);
  // The app's own files get their copies in the background (once per version: they stay on disk).
  const compressedCopiesMade = compression ? compression.makeAll(appFiles(distDir)).catch(() => undefined) : Promise.resolve();

  const dicomWebProxy = options.dicomWebProxy ? new URL(options.dicomWebProxy) : undefined;
  const bridgeTargets = (options.bridgeProxy?.targets ?? []).map(target => new URL(target));
  let nextBridge = 0;
  const liveReload: LiveReload | undefined = options.liveReload ? startLiveReload(options.liveReload) : undefined;
  const appConfigScript = options.appConfigScript + (liveReload?.script ?? '');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const urlPath = new URL(req.url ?? '/', 'http://viewer.invalid').pathname;
    const bridgePrefix = options.bridgeProxy?.pathPrefix;
    if (bridgePrefix && bridgeTargets.length > 0 && (urlPath === bridgePrefix || urlPath.startsWith(`${bridgePrefix}/`))) {
      proxyDicomWeb(bridgeTargets[nextBridge++ % bridgeTargets.length] as URL, req, res);
      return;
    }
    if (dicomWebProxy && isDicomWebPath(req.url ?? '/')) {
      proxyDicomWeb(dicomWebProxy, req, res);
      return;
    }
    if (req.method === 'POST' && urlPath === loginPath) {
      const answer = await answerLoginPost(req, loginPath);
      if (answer.status === 303) {
        res.writeHead(303, { ...headers, Location: answer.location, 'Cache-Control': 'no-store' }).end();
      } else {
        res.writeHead(answer.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(answer.message);
      }
      return;
    }
    if (liveReload?.handle(urlPath, req, res)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: urlPath === loginPath ? 'GET, HEAD, POST' : 'GET, HEAD' }).end();
      return;
    }
    if (loginPageHtml && urlPath === loginPath) {
      sendFile(req, res, loginPageHtml, 'no-cache', headers);
      return;
    }
    if (popupCallbackHtml && urlPath === popupCallbackPath) {
      sendFile(req, res, popupCallbackHtml, 'no-cache', headers);
      return;
    }
    if (urlPath === '/app-config.js') {
      res.writeHead(200, { ...headers, 'Content-Type': contentType('app-config.js'), 'Cache-Control': 'no-cache' });
      res.end(appConfigScript);
      return;
    }
    if (urlPath.startsWith('/modules/')) {
      const name = urlPath.slice('/modules/'.length);
      const file = modules[name] ?? liveReload?.findModule(name);
      if (file) {
        sendFile(req, res, file, 'no-cache', headers, compression);
        return;
      }
      res.writeHead(404, headers).end();
      return;
    }
    const file = urlPath === '/' ? undefined : fileInside(distDir, urlPath);
    if (file) {
      // Bundles carry a content hash in their names; everything else is revalidated.
      sendFile(req, res, file, isHashedAsset(file) ? 'public, max-age=31536000, immutable' : 'no-cache', headers, compression);
      return;
    }
    if (path.extname(urlPath) !== '') {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    sendFile(req, res, indexHtml, 'no-cache', headers, compression);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, headers);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    // Port 0 (tests) picks a free port; the origin names the one actually bound.
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    compressedCopiesMade,
    close: () =>
      new Promise<void>(resolve => {
        liveReload?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
