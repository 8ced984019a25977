import type { SessionHealth, TimerApi } from '../../session/token-keeper';
import type { NotificationService } from '../api';

/** Warn this long before a non-renewable session ends: 5 minutes, or a quarter of a short lifetime. */
export function warningLeadMs(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(0, lifetimeMs / 4));
}

/** "57 min left", "45 s left", "2 h 5 min left". */
export function describeRemaining(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

export interface StaticSessionFacts {
  expiresAtMs: number;
  /** When the token arrived (for the warning lead of short tokens). */
  receivedAtMs: number;
  now(): number;
  timers: TimerApi;
  returnUri?: string | undefined;
}

function returnHint(returnUri: string | undefined): string {
  return returnUri ? ` Return to KHEOPS: ${returnUri}` : '';
}

/**
 * On mode enter, for a session KHEOPS handed over in the launch URL: says how long it has left and
 * that it cannot be renewed, and warns shortly before it ends. Returns a function that cancels the warning.
 */
export function announceStaticSession(notifications: NotificationService, facts: StaticSessionFacts): () => void {
  const left = facts.expiresAtMs - facts.now();
  notifications.show({
    title: 'KHEOPS session',
    message: `KHEOPS session: ${describeRemaining(left)}; it cannot be renewed. Save your work before it ends.${returnHint(facts.returnUri)}`,
    type: 'info',
    duration: 20_000,
  });
  const warnAt = facts.expiresAtMs - warningLeadMs(facts.expiresAtMs - facts.receivedAtMs);
  const handle = facts.timers.set(
    () => {
      notifications.show({
        title: 'KHEOPS session ends soon',
        message: `KHEOPS session: ${describeRemaining(facts.expiresAtMs - facts.now())}; it cannot be renewed. Save your work now.`,
        type: 'warning',
        duration: 30_000,
      });
    },
    Math.max(0, warnAt - facts.now()),
  );
  return () => facts.timers.clear(handle);
}

/** Health changes of a session that cannot be renewed: only its end is news. */
export function announceStaticSessionHealth(notifications: NotificationService, health: SessionHealth): void {
  if (health !== 'ended') return;
  notifications.show({
    title: 'Your KHEOPS session ended',
    message:
      'It came with the link that opened the viewer and cannot be renewed. Your measurements stay on this page, and a report you save now waits in this browser: open the study again from KHEOPS, where it is offered to be sent, or download it.',
    type: 'error',
    duration: 30_000,
  });
}

export interface StaticSessionView {
  isRenewable(): boolean;
  signedInUser(): { expiresAt: number | undefined; receivedAt: number } | undefined;
}

/**
 * The mode-enter part for a session that cannot be renewed: the "N min left" notice (once per
 * launch) and the warning before the end. (The "Return to KHEOPS" link is in the session badge.)
 * Returns what to undo on mode exit; nothing for an ordinary sign-in.
 */
export function enterStaticSession(
  session: StaticSessionView,
  notifications: NotificationService,
  returnUri: string | undefined,
  environment: { now(): number; timers: TimerApi; announced: { announcedExpiry: number | undefined } },
): () => void {
  const user = session.signedInUser();
  const expiresAt = user?.expiresAt;
  if (session.isRenewable() || !user || expiresAt === undefined) return () => undefined;
  const undo: Array<() => void> = [];
  if (environment.announced.announcedExpiry !== expiresAt) {
    environment.announced.announcedExpiry = expiresAt;
    // From the token's arrival, not from now: after a reload the token is older than the page.
    undo.push(announceStaticSession(notifications, { expiresAtMs: expiresAt * 1000, receivedAtMs: user.receivedAt, now: environment.now, timers: environment.timers, returnUri }));
  }
  return () => undo.forEach(step => step());
}
