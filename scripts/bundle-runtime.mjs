// Builds the self-contained ES module that the prebuilt OHIF app loads by URL
// (window.config.extensions / window.config.modes entries). Everything is bundled, React 18
// included, because the prebuilt app exposes no React, no import map and no @ohif globals.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const pkg = process.argv[2];
if (!pkg) {
  console.error('usage: node scripts/bundle-runtime.mjs <package folder>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..', pkg);
const outfile = path.join(root, 'dist', 'runtime', `${pkg}.mjs`);

await build({
  entryPoints: [path.join(root, 'src', 'index.ts')],
  outfile,
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
});
const size = gzipSync(readFileSync(outfile)).length;
console.log(`${path.relative(process.cwd(), outfile)}: ${(size / 1024).toFixed(1)} KB gzipped`);
