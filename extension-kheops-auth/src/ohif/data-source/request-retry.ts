/** What a DICOMweb call needs from the session to recover from a refused token. */
export interface RecoveringSession {
  /** Renews the access token now; rejects when the session cannot be renewed. */
  renewNow(): Promise<void>;
  /** Resolves once the person has signed in again (popup), however long that takes. */
  reauthenticate(): Promise<void>;
}

/** dicomweb-client and OHIF put the HTTP status on the error they throw. */
export function isUnauthorized(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 401;
}

/** The server understood the token and refuses this request to this person (RFC 9110 §15.5.4). */
export function isForbidden(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 403;
}

/**
 * A call refused with 401 is renewed and retried once; if renewal is impossible or the retry is
 * refused again, it waits for the person to sign in again and is sent once more. Nothing is
 * dropped: the caller's promise settles only with the server's answer to an authorised request.
 */
export async function callWithRecovery<T>(
  call: () => Promise<T>,
  session: RecoveringSession,
  /** Runs before waiting for a new sign-in, which may never come if the tab is closed. */
  onHold?: () => Promise<void>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isUnauthorized(error)) throw error;
  }
  let renewed = true;
  try {
    await session.renewNow();
  } catch {
    renewed = false;
  }
  if (renewed) {
    try {
      return await call();
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
    }
  }
  await onHold?.().catch(error => console.warn('[kheops-auth] could not keep the waiting request outside the page', error));
  await session.reauthenticate();
  return call();
}
