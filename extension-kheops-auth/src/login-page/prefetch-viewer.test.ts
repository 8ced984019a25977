/**
 * @jest-environment jsdom
 */
import { prefetchList, prefetchWorkerUrl } from './prefetch-list';
import { prefetchViewer, viewerEntryFiles, within } from './prefetch-viewer';

const INDEX = `<!doctype html><html><head>
<script>window.PUBLIC_URL="/"</script>
<link rel="manifest" href="/manifest.json">
<link rel="icon" href="/assets/favicon.ico">
<script src="/app-config.js"></script>
<script rel="preload" as="script" type="module" src="/init-service-worker.js"></script>
<script defer="defer" src="/app.bundle.0f6159c501addfe9.js"></script>
<script defer="defer" src="/vendor.bundle.0123456789abcdef.js"></script>
<link href="/app.bundle.css" rel="stylesheet">
<script src="https://cdn.example.org/other.js"></script>
</head><body></body></html>`;

const indexUrl = new URL('http://viewer.test/index.html');
// jsdom has no Response: the two members the page reads.
const answer = (status: number, body = '') => ({ ok: status >= 200 && status < 300, status, text: async () => body });
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

test("reads the app's scripts from index.html: same origin, without unhashed ones (app-config.js), style sheets, icons or the manifest", () => {
  expect(viewerEntryFiles(INDEX, indexUrl, parse)).toEqual(['http://viewer.test/app.bundle.0f6159c501addfe9.js', 'http://viewer.test/vendor.bundle.0123456789abcdef.js']);
});

test('adds one <link rel="prefetch"> per entry file once index.html has arrived', async () => {
  const fetchIndex = jest.fn(async () => answer(200, INDEX));
  await expect(prefetchViewer({ document, fetch: fetchIndex as unknown as typeof fetch, indexUrl })).resolves.toBe(2);
  const links = [...document.head.querySelectorAll('link[rel="prefetch"]')].map(link => link.getAttribute('href'));
  expect(links).toEqual(['http://viewer.test/app.bundle.0f6159c501addfe9.js', 'http://viewer.test/vendor.bundle.0123456789abcdef.js']);
  expect(fetchIndex).toHaveBeenCalledWith('http://viewer.test/index.html', { credentials: 'same-origin' });
});

test('hands the entry files to the prefetch worker when a service worker can be registered, and adds no link', async () => {
  document.head.innerHTML = '';
  const register = jest.fn(async () => ({}) as ServiceWorkerRegistration);
  await expect(prefetchViewer({ document, fetch: (async () => answer(200, INDEX)) as unknown as typeof fetch, indexUrl, serviceWorker: { register } })).resolves.toBe(2);
  expect(register).toHaveBeenCalledTimes(1);
  const [workerUrl, options] = register.mock.calls[0] as unknown as [string, RegistrationOptions];
  expect(options).toEqual({ scope: '/modules/kheops-prefetch/' });
  expect(new URL(workerUrl).pathname).toBe('/modules/kheops-prefetch-worker.mjs');
  expect(prefetchList(workerUrl)).toEqual(['http://viewer.test/app.bundle.0f6159c501addfe9.js', 'http://viewer.test/vendor.bundle.0123456789abcdef.js']);
  expect(document.head.querySelectorAll('link[rel="prefetch"]')).toHaveLength(0);
});

test('falls back to <link rel="prefetch"> when the browser refuses the worker', async () => {
  document.head.innerHTML = '';
  const register = jest.fn(async () => Promise.reject(new DOMException('insecure', 'SecurityError')));
  await expect(prefetchViewer({ document, fetch: (async () => answer(200, INDEX)) as unknown as typeof fetch, indexUrl, serviceWorker: { register } })).resolves.toBe(2);
  expect(document.head.querySelectorAll('link[rel="prefetch"]')).toHaveLength(2);
});

test("the worker's list holds only paths on the worker's own origin", () => {
  const origin = 'http://viewer.test';
  const hostile = `${origin}/modules/kheops-prefetch-worker.mjs?files=${encodeURIComponent(JSON.stringify(['/a.0123456789.js', '//evil.test/x.js', 'https://evil.test/y.js', 3]))}`;
  expect(prefetchList(hostile)).toEqual([`${origin}/a.0123456789.js`]);
  expect(prefetchList(`${origin}/modules/kheops-prefetch-worker.mjs?files=not-json`)).toEqual([]);
  expect(prefetchList(prefetchWorkerUrl(['https://cdn.example.org/other.js', `${origin}/b.0123456789.js`], origin))).toEqual([`${origin}/b.0123456789.js`]);
});

test('an index.html that cannot be read prefetches nothing and does not throw', async () => {
  await expect(prefetchViewer({ document, fetch: (async () => answer(404)) as unknown as typeof fetch, indexUrl })).resolves.toBe(0);
  await expect(prefetchViewer({ document, fetch: (async () => Promise.reject(new TypeError('offline'))) as unknown as typeof fetch, indexUrl })).resolves.toBe(0);
});

test('the sign-in does not wait longer than the cap for a prefetch', async () => {
  await expect(within(new Promise<number>(() => undefined), 5, -1)).resolves.toBe(-1);
  await expect(within(Promise.resolve(3), 1000, -1)).resolves.toBe(3);
});
