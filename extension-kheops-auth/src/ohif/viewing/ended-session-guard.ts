import type { SessionHealth } from '../../session/token-keeper';
import { appCornerstone } from '../app-cornerstone';
import { coverViewports, type EndedSessionCoverText } from './ended-session-cover';
import { imageLoadingSwitch, type ImageLoadingSwitch } from './image-loading-switch';

/** What the guard needs of the session; KheopsSession has it. */
export interface GuardedSession {
  isRenewable(): boolean;
  onHealthChange(listener: (health: SessionHealth) => void): () => void;
  /** Heard the moment the tab stops holding a token (sign-out here or elsewhere). */
  onSessionEnd(listener: () => void): () => void;
}

export const ENDED_COVER_TITLE = 'Your KHEOPS session has ended';
export const ENDED_COVER_MESSAGE = 'Images can no longer load, and those shown are hidden. Open the study again from KHEOPS to keep working.';

/**
 * Once the session is over (signed out here or in another tab, or a session from a launch URL that
 * ended), no frame request goes out any more and every viewport says so, instead of drawing the
 * frames the server now refuses as grey holes. While a renewable session waits for the person to
 * sign in again, frames wait too (they would carry a dead token) and go out after the sign-in.
 * Returns the function that undoes it all (mode exit).
 */
export function guardEndedSession(session: GuardedSession, loading: ImageLoadingSwitch, document: Document | undefined, back?: EndedSessionCoverText['back']): () => void {
  let uncover: (() => void) | undefined;
  const over = (): void => {
    loading.hold();
    if (!uncover && document) uncover = coverViewports(document, { title: ENDED_COVER_TITLE, message: ENDED_COVER_MESSAGE, back });
  };
  const stopEnd = session.onSessionEnd(over);
  const stopHealth = session.onHealthChange(health => {
    if (uncover) return;
    if (health === 'ended' && !session.isRenewable()) over();
    else if (health === 'ended') loading.hold();
    else loading.release();
  });
  return () => {
    stopEnd();
    stopHealth();
    uncover?.();
    uncover = undefined;
    loading.release();
  };
}

/** The switch over the app's own cornerstone request pools, from OHIF's cornerstone extension. */
export function appImageLoading(extensionManager: { getModuleEntry(namespace: string): unknown }): ImageLoadingSwitch {
  const libraries = appCornerstone(extensionManager);
  if (!libraries) console.warn('[kheops-auth] OHIF\'s cornerstone extension gives no cornerstone; frames are not held once the session ends.');
  return imageLoadingSwitch(libraries);
}

/** The guard in the viewer page, over the app's cornerstone, with the way back to the session's KHEOPS when configured. */
export function enterEndedSessionGuard(
  session: GuardedSession & { signedInUser(): { issuer: { kheopsUrl?: string | undefined } } | undefined },
  extensionManager: { getModuleEntry(namespace: string): unknown },
): () => void {
  const kheopsUrl = session.signedInUser()?.issuer.kheopsUrl;
  return guardEndedSession(session, appImageLoading(extensionManager), typeof document === 'undefined' ? undefined : document, kheopsUrl ? { href: kheopsUrl, label: 'Back to KHEOPS' } : undefined);
}
