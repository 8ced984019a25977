import { type CheckResult, fail, pass } from './result';
import { networkErrorText, request } from './http';

/**
 * `--viewer-url`: how the viewer's host serves OHIF's app bundle. Uncompressed, the prebuilt app is
 * 26.6 MB, about five times its brotli size; without long-lived caching every launch downloads it
 * again. On a hospital link either makes the download most of the launch (platform-config/README.md §5).
 */

/** The app's main bundle named by index.html: `app.bundle.<hash>.js`, else its first same-origin script. */
export function appBundleUrl(indexHtml: string, indexUrl: URL): URL | undefined {
  const sources = [...indexHtml.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi)].map(match => match[1] as string);
  const urls = sources
    .map(source => {
      try {
        return new URL(source, indexUrl);
      } catch {
        return undefined;
      }
    })
    .filter((url): url is URL => url !== undefined && url.origin === indexUrl.origin && !url.pathname.endsWith('/app-config.js'));
  return urls.find(url => /(^|\/)app\.bundle\.[^/]*\.js$/.test(url.pathname)) ?? urls[0];
}

/** Seconds a Cache-Control value lets a browser reuse a file without asking, or 0. */
export function freshSeconds(cacheControl: string | null): number {
  const directives = (cacheControl ?? '').toLowerCase().split(',').map(part => part.trim());
  if (directives.some(directive => directive === 'no-store' || directive === 'no-cache')) return 0;
  const maxAge = directives.find(directive => directive.startsWith('max-age='));
  const seconds = maxAge ? Number(maxAge.slice('max-age='.length)) : 0;
  return Number.isFinite(seconds) ? seconds : 0;
}

const DAY = 86_400;

export async function checkViewerStatic(viewerUrl: string, timeoutMs: number): Promise<CheckResult[]> {
  const name = 'viewer app bundle';
  const indexUrl = new URL(viewerUrl);
  let bundle: URL | undefined;
  try {
    const index = await request(indexUrl.href, { headers: { Accept: 'text/html' } }, timeoutMs);
    if (!index.ok) return [fail(name, `${indexUrl.href} answered ${index.status}; the viewer's index.html must be served there`)];
    bundle = appBundleUrl(await index.text(), indexUrl);
  } catch (error) {
    return [fail(name, `${indexUrl.href}: ${networkErrorText(error)}`)];
  }
  if (!bundle) return [fail(name, `${indexUrl.href} names no script of the viewer's own; is it OHIF's index.html?`)];

  let response: Response;
  try {
    response = await request(bundle.href, { headers: { 'Accept-Encoding': 'br, gzip' } }, timeoutMs);
    await response.body?.cancel();
  } catch (error) {
    return [fail(name, `${bundle.href}: ${networkErrorText(error)}`)];
  }
  if (!response.ok) return [fail(name, `${bundle.href} answered ${response.status}`)];
  const file = bundle.pathname.split('/').pop() ?? bundle.pathname;
  const encoding = response.headers.get('content-encoding');
  const compression = encoding && encoding !== 'identity'
    ? pass('viewer bundle compression', `${file} is sent ${encoding}-encoded`)
    : fail('viewer bundle compression', `${file} is sent uncompressed to a browser that accepts brotli and gzip: every cold launch downloads about five times more (serve precompressed .br/.gz files, README §5)`);
  const cacheControl = response.headers.get('cache-control');
  const seconds = freshSeconds(cacheControl);
  const caching = seconds >= DAY
    ? pass('viewer bundle caching', `${file}: Cache-Control "${cacheControl}"`)
    : fail(
        'viewer bundle caching',
        `${file}: Cache-Control ${cacheControl ? `"${cacheControl}"` : 'missing'}: browsers ask again (or download again) on every launch; its name carries a content hash, so "public, max-age=31536000, immutable" is safe (README §5)`,
      );
  return [compression, caching];
}
