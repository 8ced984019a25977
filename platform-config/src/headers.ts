/**
 * The HTTP response headers a viewer launched from KHEOPS must be served with: a Content-Security-Policy
 * under which the prebuilt OHIF 3.13 app runs (found by running it, see each relaxation below), and the
 * headers that keep tokens and the sign-in flow from leaking to other origins.
 *
 * The same headers go on every response of the viewer's origin (index.html, the SPA routes such as
 * /kheops/login and /kheops/callback, bundles, app-config.js, the runtime modules).
 */
import { createHash } from 'node:crypto';

export interface ViewerSecurityHeadersOptions {
  /** The viewer's origin, e.g. https://viewer.example.org (only its origin is used). */
  viewerOrigin: string;
  /**
   * Every URL the viewer talks to besides itself: the issuers (discovery, token endpoint, JWKS) and
   * the DICOMweb roots. Reduced to origins: CSP matches paths after redirects loosely, and the
   * issuer's endpoints (token, JWKS) may live under other paths than the issuer identifier.
   */
  connectSrc: string[];
  /**
   * `'sha256-…'` sources of the inline `<script>` blocks of the app's index.html
   * (see {@link inlineScriptHashes}); they change with every OHIF release.
   */
  inlineScriptHashes: string[];
  /** Where the runtime modules are served, when not on the viewer's origin (e.g. a CDN). */
  moduleOrigins?: string[];
  /**
   * `Cross-Origin-Opener-Policy`; default `same-origin-allow-popups`: pages that open the viewer cannot
   * script it, and the viewer can still open the sign-in popup. Measured in Chromium: when that popup
   * comes back from the provider to /kheops/popup-callback, the return page (same COOP, arriving from
   * a page without one) is put in a new browsing context group, so `window.opener` is null there and
   * the viewer sees the popup as closed. oidc-client-ts 3 handles exactly this (the popup answers over
   * a BroadcastChannel and closes itself), and the popup re-authentication works under this header
   * (tests/e2e/session.e2e.test.ts), as long as `popupAbortOnClose` stays off. `'unsafe-none'` sends
   * no COOP, for a deployment that needs the opener itself.
   */
  openerPolicy?: 'same-origin-allow-popups' | 'unsafe-none';
}

const SOURCE_HASH = /^'sha256-[A-Za-z0-9+/]+={0,2}'$/;

function originOf(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${what} "${value}" must be an http(s) URL`);
  }
  return url.origin;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * `'sha256-…'` CSP sources for the inline scripts (those without `src`) of an HTML page, hashed
 * over their exact text as browsers do. OHIF's index.html has two: one sets `window.PUBLIC_URL`, the
 * other defines `browserImportFunction` (how the app imports the runtime modules by URL).
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script\s*>/gi)) {
    const attributes = match[1] ?? '';
    const body = match[2] ?? '';
    if (/\ssrc\s*=/i.test(attributes)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return unique(hashes);
}

/** The Content-Security-Policy alone, one directive per entry, in the order they are sent. */
export function contentSecurityPolicy(options: ViewerSecurityHeadersOptions): string[] {
  originOf(options.viewerOrigin, 'viewerOrigin');
  for (const hash of options.inlineScriptHashes) {
    if (!SOURCE_HASH.test(hash)) throw new Error(`inline script hash ${hash} is not a 'sha256-…' source`);
  }
  const others = unique(options.connectSrc.map(value => originOf(value, 'connectSrc entry')));
  const modules = unique((options.moduleOrigins ?? []).map(value => originOf(value, 'moduleOrigins entry')));
  const issuersAndDicomWeb = others.join(' ');
  // What each relaxation is for was measured on the stack (tests/e2e/security.e2e.test.ts): Chromium
  // with this policy, minus the relaxation, through a launch, a study load and an MPR layout.
  return [
    "default-src 'self'",
    [
      'script-src',
      "'self'",
      // The two inline scripts of OHIF's index.html, by hash. Without them the app does not start:
      // the second defines window.browserImportFunction, through which the app imports the runtime
      // modules by URL ("window.browserImportFunction is not a function").
      ...options.inlineScriptHashes,
      // The image codecs in the decode worker (OpenJPEG, CharLS, libjpeg-turbo, OpenJPH for HTJ2K) are
      // WebAssembly; compiling it needs this source, which allows WebAssembly only, not eval(). The
      // demo's sample data is uncompressed and never loads a codec, but KHEOPS studies often are
      // JPEG 2000 / JPEG-LS / JPEG lossless. No 'unsafe-eval' and no 'unsafe-inline': nothing the
      // measured flows run needs them (no violation reported without them).
      "'wasm-unsafe-eval'",
      ...modules,
    ].join(' '),
    // Cornerstone's decode and histogram workers load from 'self'; some libraries in the bundle (fflate,
    // cornerstone's worker manager) create workers from blob: URLs.
    "worker-src 'self' blob:",
    // Series thumbnails are data: PNGs (measured: refused without data:); blob: for rendered snapshots.
    "img-src 'self' data: blob:",
    // OHIF's React components (and this extension's status page) set style attributes, libraries inject
    // <style> elements at run time, and the small login page has an inline <style>; hashing all of that
    // is not practical, and styles cannot run script.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    // Video and PDF display sets are shown from blob: URLs (not in the sample data).
    "media-src 'self' blob:",
    "frame-src 'self' blob:",
    // Sign-in (discovery, token endpoint, JWKS) and DICOMweb, and only the configured origins.
    ['connect-src', "'self'", issuersAndDicomWeb].filter(Boolean).join(' '),
    // Nobody may frame the viewer: the sign-in screens and the study are not to be clickjacked.
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
    // Forms may go to the viewer or to a provider (a login page of ours handing over to the issuer).
    ['form-action', "'self'", issuersAndDicomWeb].filter(Boolean).join(' '),
    "manifest-src 'self'",
  ];
}

/**
 * Every header the viewer's responses must carry. `Referrer-Policy: no-referrer` keeps the
 * callback URL (code, state) and study UIDs out of Referer headers to the provider and DICOMweb;
 * `Cross-Origin-Opener-Policy: same-origin-allow-popups` isolates the viewer's window from pages that
 * open it while the viewer can still open popups (but see `openerPolicy` for the popup's return page).
 */
export function viewerSecurityHeaders(options: ViewerSecurityHeadersOptions): Record<string, string> {
  const openerPolicy = options.openerPolicy ?? 'same-origin-allow-popups';
  return {
    'Content-Security-Policy': contentSecurityPolicy(options).join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    ...(openerPolicy === 'unsafe-none' ? {} : { 'Cross-Origin-Opener-Policy': openerPolicy }),
    // For browsers older than CSP's frame-ancestors.
    'X-Frame-Options': 'DENY',
  };
}

