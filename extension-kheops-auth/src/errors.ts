/**
 * Every refusal and failure the extension shows carries a stable code, so that a
 * deployer can search for it and tests can assert on it. Messages never contain tokens.
 */
export type KheopsAuthErrorCode =
  | 'configuration_invalid'
  | 'missing_issuer'
  | 'unknown_issuer'
  | 'invalid_target'
  | 'foreign_target'
  | 'target_outside_viewer'
  | 'unsupported_method'
  | 'sign_in_failed'
  | 'unknown_state'
  | 'provider_error'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'invalid_token_response'
  | 'no_session'
  | 'popup_blocked'
  | 'popup_closed'
  | 'sign_out_incomplete'
  // Launches of released KHEOPS (viewer links, report providers): see launch/legacy-launch.ts.
  | 'untrusted_root'
  | 'launch_not_enabled'
  | 'invalid_link'
  | 'invalid_uid'
  | 'invalid_token'
  | 'invalid_report_configuration'
  | 'session_not_renewable';

export class KheopsAuthError extends Error {
  readonly code: KheopsAuthErrorCode;
  /** What the person in front of the screen can do about it. */
  readonly hint: string | undefined;

  constructor(code: KheopsAuthErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'KheopsAuthError';
    this.code = code;
    this.hint = hint;
  }
}

export function isKheopsAuthError(value: unknown): value is KheopsAuthError {
  return value instanceof KheopsAuthError;
}
