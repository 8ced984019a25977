/**
 * The small login page's service worker (kheops-prefetch-worker.mjs): downloads OHIF's entry files
 * into the browser's HTTP cache while the person is at the provider. A `<link rel="prefetch">` of the
 * login page does not do it: Chromium cancels it when the page leaves for the provider (measured,
 * docs/performance.md), and the callback page fetched the bundle again. A worker's install event is
 * not tied to the page: it runs to its end. Its fetches use the HTTP cache of the viewer's origin (the
 * same partition as /kheops/callback's scripts), so the callback page's `<script>` is served from it.
 * No fetch handler: the worker never sees the viewer's requests. No imports at run time: the file is
 * a classic worker script (esbuild inlines prefetch-list).
 */
import { prefetchList } from './prefetch-list';

interface InstallEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}

const worker = self as unknown as { location: Location; addEventListener(type: 'install', listener: (event: InstallEvent) => void): void };

async function download(href: string): Promise<void> {
  const response = await fetch(href, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${new URL(href).pathname} answered ${response.status}`);
  // Read to the end (and drop): the HTTP cache entry is complete only once the body is.
  await response.body?.pipeTo(new WritableStream());
}

worker.addEventListener('install', event => {
  // A failed download fails the install: the next launch registers, and tries, again.
  event.waitUntil(Promise.all(prefetchList(worker.location.href).map(download)));
});
