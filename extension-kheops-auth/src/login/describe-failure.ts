import { isKheopsAuthError, type KheopsAuthErrorCode } from '../errors';

export interface FailureView {
  code: KheopsAuthErrorCode;
  message: string;
  hint: string | undefined;
}

/** Turns anything thrown during sign-in into text for the screen and the console; never a stack trace alone. */
export function describeFailure(error: unknown): FailureView {
  if (isKheopsAuthError(error)) {
    return { code: error.code, message: error.message, hint: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'sign_in_failed', message: `The sign-in failed: ${message}`, hint: 'Open the study again from KHEOPS.' };
}
