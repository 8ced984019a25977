// Builds the self-contained ES module that the prebuilt OHIF app loads by URL
// (window.config.extensions / window.config.modes entries). Everything is bundled, React 18
// included, because the prebuilt app exposes no React, no import map and no @ohif globals.
// Code the extension needs only now and then and that is large (downloading a waiting report as a
// DICOM file, with dcmjs) is imported with import() and built into a module of its own beside it,
// kheops-<name>-<hash>.mjs, fetched only when used: deployers serve the whole dist/runtime/ folder.
// For the extension it also builds the small login page (dist/login-page/): the third-party
// initiated login without booting OHIF, from the same launch, config and session code.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Source modules each runtime module loads lazily, with import(): never part of the module itself. */
const LAZY_MODULES = { 'extension-kheops-auth': ['src/ohif/saves/report-download.ts', 'src/launch/legacy-launch-parsing.ts'] };

const runtimeDir = path.join(root, 'dist', 'runtime');
// Lazy modules carry a content hash in their names: clear the folder so no earlier one is left to ship.
rmSync(runtimeDir, { recursive: true, force: true });

const withoutExtension = file => file.replace(/\.[cm]?[jt]sx?$/, '');
const packagesIn = metafile =>
  new Set(Object.keys(metafile.inputs).flatMap(input => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []));

/**
 * Each lazy module built on its own, and a plugin that points the runtime module's import() of it
 * there. (esbuild's code splitting would do the same but moves its CommonJS helpers, which React
 * needs, into a third, shared chunk that the runtime module imports up front: one more request, in
 * series, on every launch.)
 */
async function lazyModules(sources) {
  const files = new Map();
  const packages = new Set();
  for (const source of sources) {
    const entry = path.join(root, source);
    const result = await build({
      ...common,
      entryPoints: { [`kheops-${path.basename(withoutExtension(source))}`]: entry },
      // Paths (and so the hash in the file name) relative to the package, wherever the build runs from.
      absWorkingDir: root,
      outdir: runtimeDir,
      entryNames: '[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      metafile: true,
    });
    const output = Object.keys(result.metafile.outputs).find(file => file.endsWith('.mjs'));
    files.set(withoutExtension(entry), path.basename(output));
    packagesIn(result.metafile).forEach(name => packages.add(name));
  }
  const plugin = {
    name: 'lazy-modules',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\./ }, args => {
        const file = files.get(withoutExtension(path.resolve(args.resolveDir, args.path)));
        if (!file) return undefined;
        if (args.kind !== 'dynamic-import') throw new Error(`${args.path} must be imported with import() only, to stay out of the runtime module (${args.importer})`);
        return { path: `./${file}`, external: true };
      });
    },
  };
  return { files: [...files.values()], packages, plugin };
}

const lazy = await lazyModules(LAZY_MODULES[pkg] ?? []);
const outfile = path.join(runtimeDir, `${pkg}.mjs`);
const main = await build({ ...common, entryPoints: [path.join(root, 'src', 'index.ts')], outfile, plugins: [lazy.plugin], metafile: true });
// A static import of a lazy module's library elsewhere would put it back into every launch.
const leaked = [...packagesIn(main.metafile)].filter(name => lazy.packages.has(name));
if (leaked.length > 0) throw new Error(`${leaked.join(', ')} belong in a lazily loaded module but are in ${path.basename(outfile)}`);
report(outfile);
for (const file of lazy.files) report(path.join(runtimeDir, file));

if (pkg === 'extension-kheops-auth') {
  const dir = path.join(root, 'dist', 'login-page');
  const moduleFile = path.join(dir, 'kheops-login.mjs');
  await build({ ...common, entryPoints: [path.join(root, 'src', 'login-page', 'main.ts')], outfile: moduleFile });
  report(moduleFile);
  writeFileSync(path.join(dir, 'kheops-login.html'), loginPageHtml({ appConfigUrl: '/app-config.js', moduleUrl: '/modules/kheops-login.mjs' }));
  report(path.join(dir, 'kheops-login.html'));
  // The login page's service worker that downloads OHIF while the person is at the provider: a classic
  // worker script (no import or export left after bundling), served next to the page's module.
  const workerFile = path.join(dir, 'kheops-prefetch-worker.mjs');
  await build({ ...common, entryPoints: [path.join(root, 'src', 'login-page', 'prefetch-worker.ts')], outfile: workerFile });
  report(workerFile);
  // The sign-in popup's redirect URI: hands the answer to the viewer page and closes (no OHIF boot).
  const popupModule = path.join(dir, 'kheops-popup-callback.mjs');
  await build({ ...common, entryPoints: [path.join(root, 'src', 'login-page', 'popup-callback.ts')], outfile: popupModule });
  report(popupModule);
  writeFileSync(
    path.join(dir, 'kheops-popup-callback.html'),
    loginPageHtml({ moduleUrl: '/modules/kheops-popup-callback.mjs', title: 'Signed in', message: 'Returning to the viewer…' }),
  );
}

/**
 * The page served for GET /kheops/login. No inline script (a strict script-src 'self' CSP holds):
 * the classic app-config.js runs first and sets window.config, then the deferred module validates
 * and redirects. It shows the "working" status the in-viewer route shows until the module replaces
 * it with a refusal; the styles mirror routes/StatusPage.tsx.
 */
function loginPageHtml({ appConfigUrl, moduleUrl, title = 'Opening the study', message = 'Signing you in with KHEOPS…' }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>
body{margin:0;background:#090c29;color:#e6ecf5;font-family:Inter,system-ui,sans-serif}
.kheops-auth-frame{min-height:100vh;display:flex;align-items:center;justify-content:center}
.kheops-auth-card{max-width:36rem;padding:2rem 2.5rem;border-radius:.75rem;background:#0d1f42;box-shadow:0 8px 30px rgba(0,0,0,.45);line-height:1.5}
h1{font-size:1.4rem;margin:0 0 .75rem;color:#9ccef9}
[data-kheops-auth-status=refused] h1{color:#ffb4a9}
.kheops-auth-message{margin:0 0 .75rem;white-space:pre-wrap}
.kheops-auth-hint{margin:0 0 .75rem;color:#b9c3d6}
.kheops-auth-reason{margin:0;font-size:.8rem;color:#7d8aa3}
.kheops-auth-reason p{margin:.25rem 0 0}
.kheops-auth-back{display:inline-block;margin:0 0 .5rem;font-weight:600;padding:.5rem 1.1rem;border-radius:.5rem;background:#5acce6;color:#090c29;text-decoration:none}
.kheops-auth-actions{display:flex;gap:.75rem;margin-top:1.25rem}
.kheops-auth-actions button{font:inherit;font-weight:600;padding:.5rem 1.1rem;border-radius:.5rem;border:1px solid #5acce6;background:#5acce6;color:#090c29;cursor:pointer}
.kheops-auth-actions button[data-kheops-auth-action=cancel]{background:transparent;color:#e6ecf5;border-color:#7d8aa3}
</style>
${appConfigUrl ? `<script src="${appConfigUrl}"></script>\n` : ''}<script type="module" src="${moduleUrl}"></script>
</head>
<body>
<div class="kheops-auth-frame" data-kheops-auth-status="working" role="status"><div class="kheops-auth-card"><h1>${title}</h1><p class="kheops-auth-message" data-kheops-auth-message="">${message}</p><noscript><p class="kheops-auth-hint">The viewer needs JavaScript to sign you in.</p></noscript></div></div>
</body>
</html>
`;
}
