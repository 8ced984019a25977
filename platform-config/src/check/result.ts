/** One line of the deployment check's report. */
export interface CheckResult {
  ok: boolean;
  /** Short, stable name of what was checked, e.g. "refresh tokens". */
  name: string;
  /** Plain words: what was found and, when it failed, what it breaks. */
  detail: string;
}

export function pass(name: string, detail: string): CheckResult {
  return { ok: true, name, detail };
}

export function fail(name: string, detail: string): CheckResult {
  return { ok: false, name, detail };
}

/** One line per check: ✓ or ✗, the check's name, then the explanation. */
export function formatReport(results: CheckResult[]): string {
  return results.map(result => `${result.ok ? '✓' : '✗'} ${result.name}: ${result.detail}`).join('\n');
}
