/**
 * OHIF's cornerstone extension calls `appConfig.httpErrorHandler` for every failed image load and
 * calls it without checking it exists: with none configured, each failed frame throws "handler is
 * not a function" (about seventy of them for one series). This handler takes the failures quietly:
 * one console line per HTTP status, with no URL and no header (the viewport itself says what is wrong).
 */
export function quietHttpErrorHandler(log: (line: string) => void = line => console.warn(line)): (error: unknown) => void {
  const seen = new Set<string>();
  return error => {
    const status = (error as { status?: unknown } | null)?.status;
    const kind = typeof status === 'number' && status > 0 ? `HTTP ${status}` : 'a network error';
    if (seen.has(kind)) return;
    seen.add(kind);
    log(`[kheops-auth] image requests fail with ${kind}; further failures like it are not logged.`);
  };
}

/** Puts the quiet handler in the app configuration, unless the deployer configured one of their own. */
export function installHttpErrorHandler(appConfig: Record<string, unknown> | undefined): void {
  if (appConfig && typeof appConfig.httpErrorHandler !== 'function') appConfig.httpErrorHandler = quietHttpErrorHandler();
}
