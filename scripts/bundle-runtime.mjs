// Builds the self-contained ES module that the prebuilt OHIF app loads by URL
// (window.config.extensions / window.config.modes entries). Everything is bundled, React 18
// included, because the prebuilt app exposes no React, no import map and no @ohif globals.
// For the extension it also builds the small login page (dist/login-page/): the third-party
// initiated login without booting OHIF, from the same launch, config and session code.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const pkg = process.argv[2];
if (!pkg) {
  console.error('usage: node scripts/bundle-runtime.mjs <package folder>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..', pkg);

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  jsx: 'transform',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

function report(file) {
  const size = gzipSync(readFileSync(file)).length;
  console.log(`${path.relative(process.cwd(), file)}: ${(size / 1024).toFixed(1)} KB gzipped`);
}

const outfile = path.join(root, 'dist', 'runtime', `${pkg}.mjs`);
await build({ ...common, entryPoints: [path.join(root, 'src', 'index.ts')], outfile });
report(outfile);

if (pkg === 'extension-kheops-auth') {
  const dir = path.join(root, 'dist', 'login-page');
  const moduleFile = path.join(dir, 'kheops-login.mjs');
  await build({ ...common, entryPoints: [path.join(root, 'src', 'login-page', 'main.ts')], outfile: moduleFile });
  report(moduleFile);
  writeFileSync(path.join(dir, 'kheops-login.html'), loginPageHtml({ appConfigUrl: '/app-config.js', moduleUrl: '/modules/kheops-login.mjs' }));
  report(path.join(dir, 'kheops-login.html'));
}

/**
 * The page served for GET /kheops/login. No inline script (a strict script-src 'self' CSP holds):
 * the classic app-config.js runs first and sets window.config, then the deferred module validates
 * and redirects. It shows the "working" status the in-viewer route shows until the module replaces
 * it with a refusal; the styles mirror routes/StatusPage.tsx.
 */
function loginPageHtml({ appConfigUrl, moduleUrl }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Opening the study</title>
<style>
body{margin:0;background:#090c29;color:#e6ecf5;font-family:Inter,system-ui,sans-serif}
.kheops-auth-frame{min-height:100vh;display:flex;align-items:center;justify-content:center}
.kheops-auth-card{max-width:36rem;padding:2rem 2.5rem;border-radius:.75rem;background:#0d1f42;box-shadow:0 8px 30px rgba(0,0,0,.45);line-height:1.5}
h1{font-size:1.4rem;margin:0 0 .75rem;color:#9ccef9}
[data-kheops-auth-status=refused] h1{color:#ffb4a9}
.kheops-auth-message{margin:0 0 .75rem;white-space:pre-wrap}
.kheops-auth-hint{margin:0 0 .75rem;color:#b9c3d6}
.kheops-auth-reason{margin:0;font-size:.8rem;color:#7d8aa3}
</style>
<script src="${appConfigUrl}"></script>
<script type="module" src="${moduleUrl}"></script>
</head>
<body>
<div class="kheops-auth-frame" data-kheops-auth-status="working" role="status"><div class="kheops-auth-card"><h1>Opening the study</h1><p class="kheops-auth-message" data-kheops-auth-message="">Signing you in with KHEOPS…</p><noscript><p class="kheops-auth-hint">The viewer needs JavaScript to sign you in.</p></noscript></div></div>
</body>
</html>
`;
}
