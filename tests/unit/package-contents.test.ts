// What `npm publish` would ship for each package: the builds, README, LICENSE and package.json only.
// Needs `npm run build` first (npm test builds before it runs the suites).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

jest.setTimeout(60000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const NPM_CLI = path.join(path.dirname(process.execPath), 'npm');

interface PackResult {
  files: Array<{ path: string }>;
}

function packedFiles(workspace: string): string[] {
  // `npm pack --dry-run` writes nothing; the JSON lists exactly the files a publish would include.
  const output = execFileSync(existsSync(NPM_CLI) ? NPM_CLI : 'npm', ['pack', '--dry-run', '--json', '--workspace', workspace], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(output) as PackResult[];
  if (!result) throw new Error(`npm pack printed no result for ${workspace}`);
  return result.files.map(file => file.path).sort();
}

describe.each([
  ['extension-kheops-auth', 'extension-kheops-auth.mjs'],
  ['mode-kheops', 'mode-kheops.mjs'],
])('the published %s package', (workspace, runtimeModule) => {
  let files: string[];

  beforeAll(() => {
    if (!existsSync(path.join(REPO_ROOT, workspace, 'dist', 'esm', 'index.d.ts'))) {
      throw new Error(`${workspace}/dist is missing: run "npm run build" before this test`);
    }
    files = packedFiles(workspace);
  });

  it('holds only the builds, README, LICENSE and package.json', () => {
    const outside = files.filter(file => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file));
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
  });

  it('includes the runtime module and the type declarations', () => {
    expect(files).toContain(`dist/runtime/${runtimeModule}`);
    expect(files).toContain('dist/esm/index.d.ts');
    expect(files).toContain('dist/esm/index.js');
  });

  it('ships no sources, tests or test source maps', () => {
    const offending = files.filter(
      file =>
        /(^|\/)src\//.test(file) ||
        /(^|\/)__tests__\//.test(file) ||
        /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/.test(file) ||
        /\.(test|spec)\.d\.ts$/.test(file) ||
        /(^|\/)tsconfig(\.[\w-]+)?\.json$/.test(file) ||
        file.endsWith('.tsbuildinfo'),
    );
    expect(offending).toEqual([]);
  });
});

describe('the extension runtime module', () => {
  const runtimeDir = path.join(REPO_ROOT, 'extension-kheops-auth', 'dist', 'runtime');
  let entry: string;

  beforeAll(() => {
    entry = readFileSync(path.join(runtimeDir, 'extension-kheops-auth.mjs'), 'utf8');
  });

  it('imports nothing up front: one file per launch', () => {
    expect(entry).not.toMatch(/(?:\bfrom|\bimport)\s*"\.\/[^"]+"/);
  });

  it('loads the report download (and dcmjs with it) and the legacy-launch parsing from modules of their own, which the package ships', () => {
    const lazy = [...entry.matchAll(/\bimport\("\.\/([^"]+\.mjs)"\)/g)].map(match => `dist/runtime/${match[1]}`);
    expect(lazy.sort()).toEqual([
      expect.stringMatching(/^dist\/runtime\/kheops-legacy-launch-parsing-\w+\.mjs$/),
      expect.stringMatching(/^dist\/runtime\/kheops-report-download-\w+\.mjs$/),
    ]);
    // A refusal of the viewer-link parser: in its lazy module, not in the one every launch loads.
    expect(entry).not.toContain('which is not a KHEOPS this viewer trusts');
    expect(packedFiles('extension-kheops-auth')).toEqual(expect.arrayContaining(lazy));
    // A message from dcmjs's dictionary code: in the lazy module, not in the one every launch loads.
    expect(entry).not.toContain('Unknown name in dataset');
    const reportDownload = lazy.find(file => file.includes('kheops-report-download-')) ?? '';
    expect(readFileSync(path.join(REPO_ROOT, 'extension-kheops-auth', reportDownload), 'utf8')).toContain('Unknown name in dataset');
  });
});
