/**
 * While the person is at the provider's form, the browser can already download OHIF: on the first
 * launch of the day that download (17 MB app bundle, 2.7 MB with brotli) is most of the wait after
 * "Sign in". The small login page reads the app's index.html and hands its entry files to a service
 * worker (prefetch-worker.ts) that downloads them into the HTTP cache. Not `<link rel="prefetch">`
 * alone: Chromium 150 cancels a link prefetch that has not finished when the page navigates away (to
 * the provider, 400 ms later), so the callback page fetched the bundle from the network again
 * (measured with CDP, docs/performance.md). The link prefetch stays as the fallback where no service
 * worker can be registered (an http: origin other than localhost, a browser that disables them).
 */
import { PREFETCH_WORKER_SCOPE, prefetchWorkerUrl } from './prefetch-list';

/**
 * The scripts with hashed names that index.html loads before the app can start, on the viewer's origin: nearly all of the
 * app's bytes, and named with content hashes (served immutable), so on a warm launch a prefetch costs
 * no request at all. Style sheets are left out: small, unhashed, each would be revalidated on every launch.
 */
/** A name with a content hash (`app.bundle.0f6159c501addfe9.js`): immutable, never revalidated. app-config.js and the like are not. */
const HASHED_NAME = /[.-][0-9a-f]{8,}\.m?js$/;

export function viewerEntryFiles(indexHtml: string, indexUrl: URL, parse: (html: string) => Document): string[] {
  const doc = parse(indexHtml);
  const urls: string[] = [];
  const add = (value: string | null) => {
    if (!value) return;
    let url: URL;
    try {
      url = new URL(value, indexUrl);
    } catch {
      return;
    }
    // app-config.js is the deployment's and revalidated on every load; other origins' files are not ours to fetch.
    if (url.origin !== indexUrl.origin || !HASHED_NAME.test(url.pathname)) return;
    if (!urls.includes(url.href)) urls.push(url.href);
  };
  doc.querySelectorAll('script[src]').forEach(script => add(script.getAttribute('src')));
  doc.querySelectorAll('link[href]').forEach(link => {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (rel.includes('modulepreload') || (rel.includes('preload') && link.getAttribute('as') === 'script')) add(link.getAttribute('href'));
  });
  return urls;
}

export interface PrefetchEnvironment {
  document: Document;
  fetch: typeof fetch;
  /** The viewer's index.html (the app's entry), e.g. `${origin}/index.html`. */
  indexUrl: URL;
  /** navigator.serviceWorker; undefined where the browser offers none (insecure origin). */
  serviceWorker?: Pick<ServiceWorkerContainer, 'register'>;
}

/** Registers the prefetch worker for these files; false when the browser refuses (then the links do it). */
async function registerWorker(serviceWorker: PrefetchEnvironment['serviceWorker'], files: string[], origin: string): Promise<boolean> {
  if (!serviceWorker) return false;
  try {
    await serviceWorker.register(prefetchWorkerUrl(files, origin), { scope: PREFETCH_WORKER_SCOPE });
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks for the viewer's entry files; resolves with their number once the prefetches are issued (the
 * page may leave right after). Any failure leaves the launch as it was: nothing is prefetched.
 */
export async function prefetchViewer(environment: PrefetchEnvironment): Promise<number> {
  try {
    const response = await environment.fetch(environment.indexUrl.href, { credentials: 'same-origin' });
    if (!response.ok) return 0;
    const files = viewerEntryFiles(await response.text(), environment.indexUrl, html => new DOMParser().parseFromString(html, 'text/html'));
    if (files.length === 0) return 0;
    if (await registerWorker(environment.serviceWorker, files, environment.indexUrl.origin)) return files.length;
    for (const href of files) {
      const link = environment.document.createElement('link');
      link.rel = 'prefetch';
      link.href = href;
      environment.document.head.append(link);
    }
    return files.length;
  } catch {
    return 0;
  }
}

/** Resolves with `work`'s value, or `fallback` after `ms`, whichever comes first: the sign-in never waits long for a prefetch. */
export function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([work, new Promise<T>(resolve => setTimeout(() => resolve(fallback), ms))]);
}
