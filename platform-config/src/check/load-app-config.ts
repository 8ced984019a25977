import { readFileSync } from 'node:fs';
import vm from 'node:vm';

export type LoadResult = { ok: true; config: Record<string, unknown> } | { ok: false; message: string };

/**
 * Runs an `app-config.js` the way the browser would (it assigns `window.config`), but inside a
 * separate V8 context whose only globals are a fake `window`: the file is a deployer's script, and
 * must not reach the checker's own modules, `process` or `require`. A time limit stops endless loops.
 */
export function loadAppConfig(file: string): LoadResult {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : errorText(error);
    return { ok: false, message: `cannot read ${file}: ${reason}` };
  }

  const window: Record<string, unknown> = {};
  const context = vm.createContext({ window, self: window });
  try {
    vm.runInContext(code, context, { filename: file, timeout: 2000 });
  } catch (error) {
    return { ok: false, message: `${file} throws when it runs: ${errorText(error)}` };
  }

  const config = window.config;
  if (typeof config === 'function') {
    return {
      ok: false,
      message: `${file} sets window.config to a function; this check needs the object form (window.config = { ... })`,
    };
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return { ok: false, message: `${file} does not assign an object to window.config` };
  }
  // A JSON round trip turns the other context's objects into ordinary ones of this context; functions
  // (such as an httpErrorHandler) drop out, and none of the checked keys holds one.
  try {
    return { ok: true, config: JSON.parse(JSON.stringify(config)) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, message: `${file}: window.config cannot be read as data: ${errorText(error)}` };
  }
}

function errorText(error: unknown): string {
  // Errors thrown inside the vm context are not `instanceof Error` here (another realm).
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const named = error as { name?: unknown; message: unknown };
    return `${typeof named.name === 'string' ? `${named.name}: ` : ''}${String(named.message)}`;
  }
  return String(error);
}
