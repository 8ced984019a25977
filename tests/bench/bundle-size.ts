import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const gzippedKb = (bytes: Uint8Array | string): number => gzipSync(bytes, { level: 9 }).length / 1024;

export function fileGzippedKb(file: string): number {
  return gzippedKb(readFileSync(file));
}

/**
 * The extension's runtime module carries its own React 18 (the prebuilt OHIF app shares none; the
 * extension needs only `react`, not `react-dom`). React's share is the difference between the bundle
 * built from the current sources with and without React (same esbuild settings as
 * scripts/bundle-runtime.mjs); the bench subtracts it from the built module's size.
 */
export async function extensionSizes(repoRoot: string): Promise<{ withReact: number; withoutReact: number; react: number }> {
  const bundle = async (external: string[]): Promise<number> => {
    const result = await build({
      entryPoints: [path.join(repoRoot, 'extension-kheops-auth', 'src', 'index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome110', 'firefox110', 'safari16'],
      minify: true,
      jsx: 'transform',
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'none',
      external,
      // As in scripts/bundle-runtime.mjs, what the extension imports with import() is a module of its own.
      plugins: [{ name: 'lazy-modules', setup: build => build.onResolve({ filter: /.*/ }, args => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined)) }],
      write: false,
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    return gzippedKb(output.contents);
  };
  const withReact = await bundle([]);
  const withoutReact = await bundle(['react', 'react-dom', 'react/jsx-runtime']);
  return { withReact, withoutReact, react: withReact - withoutReact };
}
