import { createHash } from 'node:crypto';
import { contentSecurityPolicy, inlineScriptHashes, viewerSecurityHeaders, type ViewerSecurityHeadersOptions } from './headers';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// The shape of OHIF 3.13's dist/index.html: two inline scripts, three with src.
const INDEX_HTML =
  '<!doctype html><html><head><script>console.time("scriptToView"),window.PUBLIC_URL="/"</script>' +
  '<script rel="preload" as="script" src="/app-config.js"></script>' +
  '<script rel="preload" as="script" type="module" src="/init-service-worker.js"></script>' +
  '<script>function browserImportFunction(n){return import(n)}window.PUBLIC_URL="/"</script>' +
  '<script defer src="/app.bundle.0f6159c501addfe9.js"></script></head><body></body></html>';

const options: ViewerSecurityHeadersOptions = {
  viewerOrigin: 'https://viewer.example.org',
  connectSrc: ['https://kheops.example.org/api', 'https://kheops.example.org/api/', 'https://auth.example.org/realms/kheops'],
  inlineScriptHashes: inlineScriptHashes(INDEX_HTML),
};

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split('; ').map(directive => {
    const [name, ...sources] = directive.split(' ');
    return [name as string, sources];
  }));
}

describe('inlineScriptHashes', () => {
  it('hashes the exact text of each inline script and skips scripts with src', () => {
    expect(inlineScriptHashes(INDEX_HTML)).toEqual([
      sha256('console.time("scriptToView"),window.PUBLIC_URL="/"'),
      sha256('function browserImportFunction(n){return import(n)}window.PUBLIC_URL="/"'),
    ]);
  });

  it('keeps whitespace and attributes other than src out of the decision', () => {
    expect(inlineScriptHashes('<SCRIPT type="module">\n  a()\n</SCRIPT ><script\tsrc="/x.js"></script>')).toEqual([sha256('\n  a()\n')]);
    expect(inlineScriptHashes('<p>no scripts</p>')).toEqual([]);
  });
});

describe('viewerSecurityHeaders', () => {
  const headers = viewerSecurityHeaders(options);
  const csp = directives(headers['Content-Security-Policy'] ?? '');

  it('sends the hygiene headers', () => {
    expect(headers).toMatchObject({
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
      'X-Frame-Options': 'DENY',
    });
  });

  it('allows scripts from the viewer, the two inline scripts by hash, and WebAssembly; never inline or eval', () => {
    expect(csp.get('script-src')).toEqual(["'self'", ...options.inlineScriptHashes, "'wasm-unsafe-eval'"]);
    expect(headers['Content-Security-Policy']).not.toMatch(/'unsafe-eval'|'unsafe-hashes'|\*/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('lets the viewer talk to the issuers and DICOMweb origins only, each listed once', () => {
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://kheops.example.org', 'https://auth.example.org']);
    expect(csp.get('form-action')).toEqual(["'self'", 'https://kheops.example.org', 'https://auth.example.org']);
  });

  it('locks down framing, base, plugins, and everything not listed', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('adds module origins to script-src when the runtime modules are served elsewhere', () => {
    const withCdn = directives(contentSecurityPolicy({ ...options, moduleOrigins: ['https://cdn.example.org/kheops/'] }).join('; '));
    expect(withCdn.get('script-src')).toContain('https://cdn.example.org');
  });

  it('sends no Cross-Origin-Opener-Policy when asked not to', () => {
    expect(viewerSecurityHeaders({ ...options, openerPolicy: 'unsafe-none' })['Cross-Origin-Opener-Policy']).toBeUndefined();
  });

  it.each([
    ['a relative connect-src entry', { connectSrc: ['/api'] }],
    ['a non-http connect-src entry', { connectSrc: ['javascript:alert(1)'] }],
    ['a wildcard', { connectSrc: ['*'] }],
    ['an origin with a policy injection', { connectSrc: ["https://a.example; script-src 'unsafe-inline'"] }],
    ['a hash that is not a source', { inlineScriptHashes: ["'unsafe-inline'"] }],
    ['a bad viewer origin', { viewerOrigin: 'viewer.example.org' }],
  ])('refuses %s', (_name, override) => {
    expect(() => viewerSecurityHeaders({ ...options, ...override })).toThrow();
  });
});
