/**
 * @jest-environment jsdom
 */
import type { SessionHealth } from '../../session/token-keeper';
import { AVAILABLE_WIDTH_EVENT } from '../header/fit-before-next-control';
import { BADGE_REFRESH_MS, showSessionBadge, type BadgeSession } from './session-badge';

const NOW = Date.UTC(2025, 0, 15, 9, 0, 0);

/** A session as the badge sees it, with a clock the fake timers move. */
function fakeSession(options: { renewable: boolean; expiresInS?: number }) {
  let user: ReturnType<BadgeSession['signedInUser']> = {
    name: 'Alice Martin',
    issuer: { displayName: 'KHEOPS' },
    expiresAt: options.expiresInS === undefined ? undefined : NOW / 1000 + options.expiresInS,
  };
  const health = new Set<(health: SessionHealth) => void>();
  const signOutListeners = new Set<(where: 'here' | 'elsewhere') => void>();
  let finishSignOut: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const session = {
    signedInUser: () => user,
    isRenewable: () => options.renewable,
    onHealthChange: (listener: (health: SessionHealth) => void) => {
      health.add(listener);
      return () => health.delete(listener);
    },
    onSignOut: (listener: (where: 'here' | 'elsewhere') => void) => {
      signOutListeners.add(listener);
      return () => signOutListeners.delete(listener);
    },
    signOut: jest.fn(
      () =>
        new Promise<boolean>((resolve, reject) => {
          // As KheopsSession does: this tab forgets the session at once, the revocation answers later.
          user = undefined;
          signOutListeners.forEach(listener => listener('here'));
          finishSignOut = { resolve: () => resolve(true), reject };
        }),
    ),
  } satisfies BadgeSession;
  return {
    session,
    setHealth: (next: SessionHealth) => health.forEach(listener => listener(next)),
    signOutElsewhere: () => {
      user = undefined;
      signOutListeners.forEach(listener => listener('elsewhere'));
    },
    finishSignOut: () => finishSignOut?.resolve(),
    failSignOut: (keepUser: boolean) => {
      if (keepUser) user = { name: 'Alice Martin', issuer: { displayName: 'KHEOPS' }, expiresAt: undefined };
      finishSignOut?.reject(new Error('revocation failed'));
    },
    listeners: () => health.size + signOutListeners.size,
  };
}

function show(session: BadgeSession, extra: { returnUri?: string; measurements?: number } = {}) {
  return showSessionBadge(session, {
    document,
    now: () => Date.now(),
    timers: { set: (callback, delay) => setTimeout(callback, delay), clear: handle => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    returnUri: extra.returnUri,
    measurementCount: () => extra.measurements ?? 0,
  });
}

const badge = () => document.querySelector<HTMLElement>('[data-kheops-auth-session]');
const action = (name: string) => document.querySelector<HTMLButtonElement>(`[data-kheops-auth-action="${name}"]`);
const signOutButton = () => action('sign-out');
/** Lets the promise chain of a click run to its end (the fake timers do not drive promises). */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(() => {
  jest.useRealTimers();
  document.body.innerHTML = '';
});

describe('the session badge', () => {
  it('shows who is signed in and with which provider, and offers to sign out', () => {
    const { session } = fakeSession({ renewable: true, expiresInS: 300 });
    show(session);
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-in');
    expect(document.querySelector('[data-kheops-auth-user]')?.textContent).toBe('Alice Martin');
    expect(badge()?.textContent).toContain('Signed in as Alice Martin');
    expect(badge()?.textContent).toContain('KHEOPS');
    // A renewable session is renewed ahead of its expiry: no countdown to worry anyone.
    expect(badge()?.textContent).not.toMatch(/left/);
    expect(signOutButton()?.textContent).toBe('Sign out');
    expect(signOutButton()?.hidden).toBe(false);
    expect(document.querySelector('[data-kheops-auth-return]')).toBeNull();
  });

  it('counts down a session that cannot be renewed, every 30 s, and says when it has ended', () => {
    const { session } = fakeSession({ renewable: false, expiresInS: 57 * 60 + 20 });
    show(session);
    expect(badge()?.textContent).toContain('KHEOPS · 57 min left');
    jest.advanceTimersByTime(BADGE_REFRESH_MS - 1);
    expect(badge()?.textContent).toContain('57 min left');
    jest.advanceTimersByTime(1); // 56 min 50 s
    expect(badge()?.textContent).toContain('56 min left');
    jest.advanceTimersByTime(2 * BADGE_REFRESH_MS); // 55 min 50 s
    expect(badge()?.textContent).toContain('55 min left');
    jest.advanceTimersByTime(55 * 60_000 + 30_000); // 20 s
    expect(badge()?.textContent).toContain('20 s left');
    jest.advanceTimersByTime(BADGE_REFRESH_MS);
    expect(badge()?.textContent).toContain('KHEOPS · session ended');
  });

  it('follows the session health: at risk, ended', () => {
    const { session, setHealth } = fakeSession({ renewable: true });
    show(session);
    setHealth('at-risk');
    expect(badge()?.textContent).toContain('cannot reach KHEOPS');
    setHealth('ended');
    expect(badge()?.textContent).toContain('session ended');
    setHealth('active');
    expect(badge()?.textContent).not.toMatch(/ended|cannot reach/);
  });

  it('holds the way back to KHEOPS that a report-provider launch gave', () => {
    const { session } = fakeSession({ renewable: false, expiresInS: 3600 });
    show(session, { returnUri: 'https://kheops.example.org/studies' });
    const back = document.querySelector<HTMLAnchorElement>('[data-kheops-auth-return]');
    expect(back?.href).toBe('https://kheops.example.org/studies');
    expect(back?.textContent).toBe('Return to KHEOPS');
    expect(badge()?.contains(back)).toBe(true);
  });

  it('moves the way back into its panel where the header leaves no room for it, and back again', () => {
    const { session } = fakeSession({ renewable: false, expiresInS: 3600 });
    show(session, { returnUri: 'https://kheops.example.org/studies' });
    const tell = (width: number | undefined) => badge()?.dispatchEvent(new CustomEvent(AVAILABLE_WIDTH_EVENT, { detail: { width } }));
    const back = () => document.querySelector<HTMLAnchorElement>('[data-kheops-auth-return]');
    const panel = () => document.querySelector('[data-kheops-auth-panel]');
    tell(80);
    expect(panel()?.contains(back())).toBe(true);
    expect(back()?.href).toBe('https://kheops.example.org/studies');
    tell(400);
    expect(panel()?.contains(back())).toBe(false);
    expect(document.querySelector('[data-kheops-auth-toggle]')?.nextElementSibling).toBe(back());
    tell(undefined);
    expect(panel()?.contains(back())).toBe(false);
    expect(document.querySelectorAll('[data-kheops-auth-return]')).toHaveLength(1);
  });

  it('signs out, then says so and offers nothing that needs a token', async () => {
    const { session, finishSignOut } = fakeSession({ renewable: true });
    show(session, { returnUri: 'https://kheops.example.org/studies' });
    // No measurement on the page: nothing to lose, nothing to ask.
    signOutButton()?.click();
    expect(session.signOut).toHaveBeenCalledTimes(1);
    expect(signOutButton()?.disabled).toBe(true);
    expect(signOutButton()?.textContent).toBe('Signing out…');
    finishSignOut();
    await settle();
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-out');
    expect(badge()?.textContent).toContain('Signed out');
    expect(document.querySelector('[data-kheops-auth-user]')?.textContent).toBe('');
    expect(signOutButton()).toBeNull();
    expect(badge()?.querySelectorAll('button:not([data-kheops-auth-toggle])')).toHaveLength(0);
    // The way back to KHEOPS needs no token and stays.
    expect(document.querySelector('[data-kheops-auth-return]')).not.toBeNull();
    // Signed out: the countdown stops.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('asks first on a page with measurements: they stay, but cannot be saved until the next sign-in', async () => {
    const { session, finishSignOut } = fakeSession({ renewable: true });
    show(session, { measurements: 2 });
    signOutButton()?.click();
    expect(session.signOut).not.toHaveBeenCalled();
    expect(document.querySelector('[data-kheops-auth-detail]')?.textContent).toBe(
      'This page has 2 measurements that are not saved. They stay on the page, but cannot be saved to KHEOPS until you sign in again.',
    );
    expect(signOutButton()?.hidden).toBe(true);
    // Staying signed in changes nothing.
    action('stay-signed-in')?.click();
    expect(session.signOut).not.toHaveBeenCalled();
    expect(signOutButton()?.hidden).toBe(false);
    expect(action('confirm-sign-out')?.hidden).toBe(true);
    expect(document.querySelector('[data-kheops-auth-detail]')?.textContent).toBe('KHEOPS');
    // Asked again, and this time signing out.
    signOutButton()?.click();
    action('confirm-sign-out')?.click();
    expect(session.signOut).toHaveBeenCalledTimes(1);
    finishSignOut();
    await settle();
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-out');
    expect(badge()?.querySelectorAll('button:not([data-kheops-auth-toggle])')).toHaveLength(0);
  });

  it('is signed out even when the provider did not confirm the revocation, once the tokens are forgotten', async () => {
    const { session, failSignOut } = fakeSession({ renewable: true });
    show(session);
    signOutButton()?.click();
    await settle();
    failSignOut(false);
    await settle();
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-out');
    expect(badge()?.textContent).toContain('did not confirm');
  });

  it('offers to try again when signing out failed and the session is still there', async () => {
    const { session, failSignOut } = fakeSession({ renewable: true });
    show(session);
    signOutButton()?.click();
    await settle();
    failSignOut(true);
    await settle();
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-in');
    expect(document.querySelector('[data-kheops-auth-detail]')?.textContent).toBe('Signing out failed. Try again.');
    expect(signOutButton()?.disabled).toBe(false);
  });

  it('follows a sign-out in another tab', () => {
    const { session, signOutElsewhere } = fakeSession({ renewable: true });
    show(session);
    signOutElsewhere();
    expect(badge()?.getAttribute('data-kheops-auth-session')).toBe('signed-out');
    expect(badge()?.textContent).toContain('another tab');
    expect(signOutButton()).toBeNull();
  });

  it('is removed with its timer and listeners on mode exit', () => {
    const tracked = fakeSession({ renewable: false, expiresInS: 3600 });
    const remove = show(tracked.session);
    expect(jest.getTimerCount()).toBe(1);
    remove();
    expect(badge()).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    expect(tracked.listeners()).toBe(0);
  });
});
