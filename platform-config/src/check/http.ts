/** A fetch that gives up after `timeoutMs` and never follows redirects (a redirect is itself a finding). */
export async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
}

/** Why a request did not get an answer, in plain words (fetch hides the cause one level down). */
export function networkErrorText(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host name not found';
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/** Whether a CORS answer lets `origin` read it: its own origin echoed, or the wildcard. */
export function allowsOrigin(response: Response, origin: string): boolean {
  const allowed = response.headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
}

/** Header names from Access-Control-Allow-Headers, lower-cased. */
export function allowedHeaders(response: Response): string[] {
  return (response.headers.get('access-control-allow-headers') ?? '')
    .split(',')
    .map(name => name.trim().toLowerCase())
    .filter(Boolean);
}
