// Gets a fresh clone ready to run the demo or the tests: the Debian packages the stack needs
// (installed when this runs as root with apt-get, otherwise named exactly), the npm packages,
// the pinned prebuilt OHIF app, and the two builds of each package. Plain Node, no dependencies,
// because it runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\nsetup: "${command} ${args.join(' ')}" failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

function step(message) {
  console.log(`\n== ${message}`);
}

step('System packages (Orthanc, its DICOMweb plugin, Chromium, Glewlwyd and sqlite3)');
const missing = [];
if (!onPath('Orthanc') && !existsSync('/usr/sbin/Orthanc')) missing.push('orthanc');
if (!existsSync(DICOMWEB_PLUGIN)) missing.push('orthanc-dicomweb');
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) missing.push('chromium');
// Glewlwyd: the second, independent OpenID provider of the test stack; sqlite3 creates its database.
if (!onPath('glewlwyd') && !existsSync('/usr/bin/glewlwyd')) missing.push('glewlwyd');
if (!onPath('sqlite3')) missing.push('sqlite3');
if (missing.length === 0) {
  console.log('all present');
} else if (process.getuid?.() === 0 && onPath('apt-get')) {
  console.log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
} else {
  console.error(`Missing: ${missing.join(', ')}. Install them, then run this command again:\n\n  sudo apt-get install -y ${missing.join(' ')}\n`);
  console.error('(On other systems: Orthanc 1.10+ with the DICOMweb plugin, Chromium, Glewlwyd 2.7 and sqlite3; set CHROMIUM_PATH if Chromium is not /usr/bin/chromium.)');
  process.exit(1);
}

step('npm packages');
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(root, 'package-lock.json')).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
} else {
  console.log('up to date');
}

step('Prebuilt OHIF app');
run(process.execPath, [path.join(root, 'scripts', 'fetch-ohif-app.mjs')]);

step('Build (ES modules, type declarations, runtime bundles)');
run('npm', ['run', 'build', '--silent']);

console.log(`\nsetup: done (node ${process.version}, ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()} npm)`);
