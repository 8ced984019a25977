// Ends the stack's process group: the stack stops Orthanc, the stand-in and the viewer on SIGTERM;
// whatever is still alive after a grace period is killed.
const fs = require('node:fs');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalTeardown() {
  const infoPath = process.env.KHEOPS_STACK_INFO ?? '';
  const pid = globalThis.__KHEOPS_STACK_PID__ ?? (fs.existsSync(infoPath) ? JSON.parse(fs.readFileSync(infoPath, 'utf8')).pid : undefined);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the whole group is already gone
  }
};
