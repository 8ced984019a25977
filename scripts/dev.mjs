// The developer loop: rebuilds a package's runtime modules (scripts/bundle-runtime.mjs, esbuild) as
// soon as one of its sources changes, then writes a stamp that a running `npm run demo` watches to
// reload its open viewer pages (tests/stack/live-reload.ts). Orthanc and the stand-in keep running.
// Stops on Ctrl-C or SIGTERM; a failed build is reported and the loop goes on.
import { spawn } from 'node:child_process';
import { mkdirSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const PACKAGES = ['extension-kheops-auth', 'mode-kheops'];
const stamp = path.join(root, '.cache', 'dev', 'last-build');
const DEBOUNCE_MS = 150;

const pending = new Set();
let timer;
let building = false;
let child;

function build(pkg) {
  return new Promise(resolve => {
    const started = Date.now();
    child = spawn(process.execPath, [path.join(root, 'scripts', 'bundle-runtime.mjs'), pkg], { cwd: path.join(root, pkg), stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', code => {
      child = undefined;
      console.log(code === 0 ? `[dev] rebuilt ${pkg} in ${((Date.now() - started) / 1000).toFixed(1)} s` : `[dev] ${pkg}: build failed (see above); fix and save again`);
      resolve(code === 0);
    });
  });
}

async function flush() {
  if (building || pending.size === 0) return;
  building = true;
  const packages = [...pending];
  pending.clear();
  let ok = true;
  for (const pkg of packages) ok = (await build(pkg)) && ok;
  if (ok) {
    mkdirSync(path.dirname(stamp), { recursive: true });
    writeFileSync(stamp, `${new Date().toISOString()} ${packages.join(' ')}\n`);
  }
  building = false;
  if (pending.size > 0) void flush();
}

const watchers = PACKAGES.map(pkg =>
  watch(path.join(root, pkg, 'src'), { recursive: true }, (_event, file) => {
    if (!file || /\.test\.tsx?$|__tests__/.test(file)) return;
    pending.add(pkg);
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), DEBOUNCE_MS);
  }),
);

console.log(`[dev] watching ${PACKAGES.map(pkg => `${pkg}/src`).join(' and ')}; a running \`npm run demo\` reloads its viewer pages after each rebuild. Ctrl-C stops.`);
pending.add(PACKAGES[0]);
pending.add(PACKAGES[1]);
void flush();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    watchers.forEach(watcher => watcher.close());
    clearTimeout(timer);
    child?.kill(signal);
    process.exit(0);
  });
}
