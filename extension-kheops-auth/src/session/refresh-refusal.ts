import { isKheopsAuthError, type KheopsAuthErrorCode } from '../errors';

/**
 * Whether a failed refresh grant was refused (the refresh token will never work again: the session
 * has ended and only a new sign-in helps) or merely did not get through (the provider was down or
 * unreachable: retrying may succeed, the session is "at risk").
 *
 * RFC 6749 §5.2 says a refused grant is a 400 (401 for client authentication) with a JSON `error`;
 * real providers also refuse without any body (Glewlwyd: 400, empty, no Content-Type, for a reused,
 * revoked or expired refresh token). So every 4xx is a refusal whatever its body, and a JSON error
 * code means a refusal unless it says the server is in trouble (`server_error`,
 * `temporarily_unavailable`). Network errors, timeouts and 5xx answers are not refusals.
 */
const TRANSIENT_OAUTH_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

/** The viewer's own checks of a refresh answer: an unusable answer is never retried into a usable one. */
const REFUSING_CHECKS = new Set<KheopsAuthErrorCode>(['invalid_token_response', 'issuer_mismatch', 'audience_mismatch']);

/**
 * oidc-client-ts reports an error answer without a JSON `error` as a plain Error whose message is
 * `<status text> (<status>)` or `<status text> (<status>): <body>` (JsonService.postForm).
 */
const STATUS_IN_MESSAGE = /^[^()]*\((\d{3})\)(?::|$)/;

export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = STATUS_IN_MESSAGE.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

export function isRefreshRefused(error: unknown): boolean {
  if (isKheopsAuthError(error)) return REFUSING_CHECKS.has(error.code);
  const code = (error as { error?: unknown } | null)?.error;
  if (typeof code === 'string' && code !== '') return !TRANSIENT_OAUTH_ERRORS.has(code);
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * oidc-client-ts rejects an answer it got but cannot use (an ID token of another person, a missing
 * `sub`) with a plain Error and no status; network failures are TypeErrors, timeouts ErrorTimeouts,
 * a body that is not JSON a SyntaxError, an unexpected Content-Type an Error that says so.
 */
export function isUnusableAnswer(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.constructor === Error &&
    httpStatusOf(error) === undefined &&
    !error.message.startsWith('Invalid response Content-Type')
  );
}

/**
 * Content types a token endpoint's refusal may come in besides JSON. Listing them lets
 * oidc-client-ts read the status of such an answer (it refuses unlisted types before looking at the
 * status), so a 4xx is known as a refusal whatever its body.
 */
export const REFUSAL_CONTENT_TYPES = ['application/problem+json', 'text/plain', 'text/html'];
