// Fetches the prebuilt OHIF app (@ohif/app's dist/) once, pinned by version and integrity in the
// root package.json ("config.ohifApp"). Only the tarball is needed: installing @ohif/app as a
// dependency would pull OHIF's whole source dependency tree for files that are never run by Node.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { version, integrity } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).config.ohifApp;
const cacheDir = path.join(root, '.cache', 'ohif-app');
const target = path.join(cacheDir, version);

if (existsSync(path.join(target, 'dist', 'index.html'))) {
  console.log(`OHIF app ${version}: already in ${path.relative(root, target)}`);
  process.exit(0);
}

mkdirSync(cacheDir, { recursive: true });
console.log(`OHIF app ${version}: fetching @ohif/app@${version} from the npm registry (about 50 MB)...`);
let tarball;
try {
  const output = execFileSync('npm', ['pack', `@ohif/app@${version}`, '--pack-destination', cacheDir, '--silent'], {
    cwd: cacheDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  tarball = path.join(cacheDir, output.trim().split('\n').pop());
} catch {
  console.error(`Could not fetch @ohif/app@${version} with "npm pack". Check that the npm registry is reachable (npm ping).`);
  process.exit(1);
}

const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
if (actual !== integrity) {
  rmSync(tarball, { force: true });
  console.error(`@ohif/app@${version} failed its integrity check (expected ${integrity}, got ${actual}). Nothing was extracted.`);
  process.exit(1);
}

const staging = `${target}.partial`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
execFileSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
rmSync(target, { recursive: true, force: true });
renameSync(staging, target);
rmSync(tarball, { force: true });
console.log(`OHIF app ${version}: ready in ${path.relative(root, target)}`);
