// Starts the real stack once for all end-to-end tests: Orthanc with the sample data, the KHEOPS
// stand-in (oidc-provider + DICOMweb gateway) with test controls, Glewlwyd, and the prebuilt OHIF app.
// It runs as its own process group so that teardown (or a crash) can end every child at once.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'tests', '.artifacts');
const READY_TIMEOUT_MS = 180_000;

module.exports = async function globalSetup() {
  fs.mkdirSync(artifacts, { recursive: true });
  const logPath = path.join(artifacts, 'stack.log');
  const logStream = fs.createWriteStream(logPath);
  const env = {
    ...process.env,
    STACK_MODE: 'test',
    VIEWER_PORT: process.env.TEST_VIEWER_PORT || '3100',
    STANDIN_PORT: process.env.TEST_STANDIN_PORT || '8180',
    ORTHANC_PORT: process.env.TEST_ORTHANC_PORT || '8142',
    // Released KHEOPS beside the default stand-in (tests/stack/released-stack.ts).
    RELEASED_VIEWER_PORT: process.env.TEST_RELEASED_VIEWER_PORT || '3101',
    RELEASED_PORT: process.env.TEST_RELEASED_PORT || '8190',
    REALM_PORT: process.env.TEST_REALM_PORT || '8191',
    GLEWLWYD_PORT: process.env.TEST_GLEWLWYD_PORT || '4180',
    // The Keycloak-backed KHEOPS (tests/stack/keycloak-standin.ts).
    KEYCLOAK_PORT: process.env.TEST_KEYCLOAK_PORT || '8185',
    // The report-provider bridge: its viewer and its two replicas (tests/stack/bridge-stack.ts).
    BRIDGE_VIEWER_PORT: process.env.TEST_BRIDGE_VIEWER_PORT || '3102',
    BRIDGE_PORT: process.env.TEST_BRIDGE_PORT || '8195',
    BRIDGE2_PORT: process.env.TEST_BRIDGE2_PORT || '8196',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/stack/main.ts'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(logStream, { end: false });

  const info = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`the stack did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    function fail(error) {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      setTimeout(() => {
        const tail = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n') : '';
        reject(new Error(`${error.message}\n--- stack log (tests/.artifacts/stack.log) ---\n${tail}`));
      }, 200);
    }
    child.once('exit', code => fail(new Error(`the stack exited with code ${code} before it was ready`)));
    child.stdout.on('data', chunk => {
      logStream.write(chunk);
      buffer += chunk.toString();
      const line = buffer.split('\n').find(candidate => candidate.startsWith('STACK_READY '));
      if (line) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(JSON.parse(line.slice('STACK_READY '.length)));
      }
    });
  });

  // One file per stack, so that test runs on other ports (another developer's) never read this one.
  const infoPath = path.join(artifacts, `stack-${env.VIEWER_PORT}.json`);
  fs.writeFileSync(infoPath, JSON.stringify({ ...info, pid: child.pid }, null, 2));
  process.env.KHEOPS_STACK_INFO = infoPath;
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();
  globalThis.__KHEOPS_STACK_PID__ = child.pid;
};
