/**
 * How a check ended. `warn`: it works, but not as well as it could (said so it is fixed or known);
 * `skipped`: it could not be tried from here, with the reason. Only `fail` makes the exit code 1:
 * a check that cannot be made must never be reported as a failure.
 */
export type CheckStatus = 'pass' | 'warn' | 'skipped' | 'fail';

/** One line of the deployment check's report. */
export interface CheckResult {
  /** False only for `fail`. */
  ok: boolean;
  status: CheckStatus;
  /** Short, stable name of what was checked, e.g. "refresh tokens". */
  name: string;
  /** Plain words: what was found and, when it failed, what it breaks. */
  detail: string;
}

export function pass(name: string, detail: string): CheckResult {
  return { ok: true, status: 'pass', name, detail };
}

export function warn(name: string, detail: string): CheckResult {
  return { ok: true, status: 'warn', name, detail };
}

/** A check that could not be made: `detail` says why ("not checked: ..."). */
export function skipped(name: string, detail: string): CheckResult {
  return { ok: true, status: 'skipped', name, detail: `not checked: ${detail}` };
}

export function fail(name: string, detail: string): CheckResult {
  return { ok: false, status: 'fail', name, detail };
}

const MARKS: Record<CheckStatus, string> = { pass: '✓', warn: '!', skipped: '-', fail: '✗' };

/** One line per check: ✓, ! (warning), - (not checked) or ✗, the check's name, then the explanation. */
export function formatReport(results: CheckResult[]): string {
  return results.map(result => `${MARKS[result.status]} ${result.name}: ${result.detail}`).join('\n');
}
