/**
 * The demo's half of the developer loop (`npm run dev`, scripts/dev.mjs): after each rebuild the dev
 * script writes a stamp file; this watches it and tells every open viewer page to reload, through a
 * server-sent event stream that a line appended to /app-config.js listens to. Runtime modules are
 * looked up in their folders on each request, so lazily loaded modules renamed by a rebuild (their
 * names carry a content hash) are found. Only the demo uses it; the tests never do.
 */
import { existsSync, mkdirSync, unwatchFile, watchFile } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

export const LIVE_RELOAD_PATH = '/__dev/reload';

/** Where scripts/dev.mjs records a finished rebuild. */
export function devBuildStamp(repoRoot: string): string {
  return path.join(repoRoot, '.cache', 'dev', 'last-build');
}

export interface LiveReload {
  /** Appended to /app-config.js: reloads the page when the demo says so. */
  script: string;
  /** Answers the event stream; false for any other path. */
  handle(urlPath: string, req: IncomingMessage, res: ServerResponse): boolean;
  /** The file a runtime module name stands for now, in the watched module folders. */
  findModule(name: string): string | undefined;
  close(): void;
}

export function startLiveReload(options: { stamp: string; moduleDirs: string[] }): LiveReload {
  const clients = new Set<ServerResponse>();
  mkdirSync(path.dirname(options.stamp), { recursive: true });
  // watchFile (polling) rather than watch: the stamp may not exist yet, and it is replaced, not edited.
  const onChange = (current: { mtimeMs: number }, previous: { mtimeMs: number }): void => {
    if (current.mtimeMs === previous.mtimeMs || current.mtimeMs === 0) return;
    for (const client of clients) client.write('data: reload\n\n');
  };
  watchFile(options.stamp, { interval: 300 }, onChange);
  return {
    script: `\n;(function () { var events = new EventSource('${LIVE_RELOAD_PATH}'); events.onmessage = function () { events.close(); window.location.reload(); }; })();\n`,
    handle(urlPath, req, res) {
      if (urlPath !== LIVE_RELOAD_PATH) return false;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return true;
    },
    findModule(name) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) return undefined;
      return options.moduleDirs.map(dir => path.join(dir, name)).find(file => existsSync(file));
    },
    close() {
      unwatchFile(options.stamp, onChange);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
