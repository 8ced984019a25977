import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { assertPortFree } from './ports';

/** Serves the prebuilt OHIF app as a single-page app, with our app-config.js and runtime modules. */
export interface ViewerHostOptions {
  port: number;
  /** The prebuilt app's dist/ folder. */
  distDir: string;
  /** Text served as /app-config.js. */
  appConfigScript: string;
  /** Files served under /modules/: name -> absolute path. */
  modules: Record<string, string>;
  /** Extra response headers on every answer (deployment headers). */
  headers?: Record<string, string>;
}

export interface ViewerHost {
  origin: string;
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

function sendFile(res: ServerResponse, file: string, cache: string, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'Content-Type': contentType(file), 'Content-Length': statSync(file).size, 'Cache-Control': cache });
  createReadStream(file).pipe(res);
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
  await assertPortFree(options.port, 'the viewer', 'VIEWER_PORT');
  const headers = options.headers ?? {};

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://viewer.invalid').pathname;
    if (urlPath === '/app-config.js') {
      res.writeHead(200, { ...headers, 'Content-Type': contentType('app-config.js'), 'Cache-Control': 'no-cache' });
      res.end(options.appConfigScript);
      return;
    }
    if (urlPath.startsWith('/modules/')) {
      const name = urlPath.slice('/modules/'.length);
      const file = options.modules[name];
      if (file) {
        sendFile(res, file, 'no-cache', headers);
        return;
      }
      res.writeHead(404, headers).end();
      return;
    }
    const file = urlPath === '/' ? undefined : fileInside(distDir, urlPath);
    if (file) {
      // Bundles carry a content hash in their names; everything else is revalidated.
      const immutable = /\.[0-9a-f]{16}\.(js|css)$|\.[0-9a-f]{16}\.wasm$/.test(file);
      sendFile(res, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', headers);
      return;
    }
    if (path.extname(urlPath) !== '') {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    sendFile(res, indexHtml, 'no-cache', headers);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://localhost:${options.port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
