/**
 * The list of files the prefetch worker downloads travels in the worker's script URL
 * (`kheops-prefetch-worker.mjs?files=[...]`): a new OHIF version gives a new URL, so the browser installs
 * the worker again and fetches the new files, and the unchanged list costs nothing on later launches.
 */

/** Where the small login page's service worker is served (next to kheops-login.mjs). */
export const PREFETCH_WORKER_PATH = '/modules/kheops-prefetch-worker.mjs';
/** A scope no page is ever loaded from: the worker controls nothing and intercepts no request. */
export const PREFETCH_WORKER_SCOPE = '/modules/kheops-prefetch/';

export function prefetchWorkerUrl(files: string[], origin: string): string {
  const paths = files.map(file => new URL(file, origin)).filter(url => url.origin === origin).map(url => url.pathname);
  return `${origin}${PREFETCH_WORKER_PATH}?files=${encodeURIComponent(JSON.stringify(paths))}`;
}

/** The same-origin paths named by the worker's own URL; anything else in it is ignored. */
export function prefetchList(workerUrl: string): string[] {
  const url = new URL(workerUrl);
  let value: unknown;
  try {
    value = JSON.parse(url.searchParams.get('files') ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === 'string' && item.startsWith('/') && !item.startsWith('//'))
    .map(item => new URL(item, url.origin))
    .filter(file => file.origin === url.origin)
    .map(file => file.href);
}
