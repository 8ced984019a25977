import { isKheopsAuthError } from '../../errors';
import { AVAILABLE_WIDTH_EVENT } from '../header/fit-before-next-control';
import type { SessionHealth, TimerApi } from '../../session/token-keeper';
import { describeRemaining } from './static-session-notices';

/** What the badge needs of the session; KheopsSession has it. */
export interface BadgeSession {
  signedInUser(): { name: string; issuer: { displayName: string }; expiresAt: number | undefined; kind?: { name: string; end: string } } | undefined;
  /** False for a session that came with the launch URL: it ends at its expiry and cannot be renewed. */
  isRenewable(): boolean;
  onHealthChange(listener: (health: SessionHealth) => void): () => void;
  /** Called when this tab or another one signed the person out. */
  onSignOut?(listener: (where: 'here' | 'elsewhere') => void): () => void;
  /**
   * Forgets the tokens in every tab and revokes them at the provider. May reject after the tokens were
   * forgotten (the provider did not confirm the revocation): the badge then asks the session who is left.
   */
  signOut(): Promise<unknown>;
}

export interface SessionBadgeEnvironment {
  document: Document;
  now(): number;
  timers: TimerApi;
  /** The launch's way back to KHEOPS (report-provider launches), shown as a link in the badge. */
  returnUri?: string | undefined;
  /** How many measurements the page holds that no saved report has: with any, signing out asks first. */
  measurementCount(): number;
  /** Why a launch's session was not upgraded to a renewable one, while it is the tab's (upgrade-notice.ts). */
  note?(): string | undefined;
  /**
   * Where the indicator goes (OHIF's header, through the HeaderItems registry); returns its remover.
   * Without it the indicator is appended to the document's body.
   */
  place?(indicator: HTMLElement): () => void;
}

/** Whose and how long, for the sessions whose badge would otherwise say nothing of it. */
function sessionNote(kind: { name: string; end: string } | undefined): string {
  // A viewer link's end is not kept by KHEOPS: no countdown that KHEOPS might not honour.
  if (kind?.name === 'static-token' && kind.end === 'unknown') return 'ends when KHEOPS ends the link';
  if (kind?.name === 'upgraded') return 'renewed through your KHEOPS sign-in';
  return '';
}

/** How often the time left of a non-renewable session is brought up to date. */
export const BADGE_REFRESH_MS = 30_000;

type BadgeState =
  | { phase: 'signed-in'; problem?: string }
  | { phase: 'confirming'; measurements: number }
  | { phase: 'signing-out' }
  | { phase: 'signed-out'; note: string };

const SIGNED_OUT_NOTE = 'Images can no longer load on this page. Open the study from KHEOPS again to keep working.';

/** The least the summary (dot, name, provider) keeps when the way back shares the header with it. */
const SUMMARY_MIN_WIDTH_PX = 96;
/** The badge's gap between the summary and the way back. */
const BADGE_GAP_PX = 6;
const ELLIPSIS = 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:100%;';
/** Fits OHIF's header (32 px high) between the logo and the main toolbar: it never lies over a viewport. */
const INDICATOR = 'position:relative;display:inline-flex;align-items:center;gap:6px;height:32px;min-width:0;max-width:100%;color:#e6ecf5;font:12px/1.25 Inter,system-ui,sans-serif;';
const TOGGLE = 'display:flex;align-items:center;gap:6px;height:32px;max-width:138px;min-width:0;flex:0 1 auto;padding:0 6px;border:1px solid #3a3f5a;border-radius:6px;background:transparent;color:inherit;font:inherit;cursor:pointer;';
const PANEL = 'position:absolute;top:calc(100% + 8px);left:0;z-index:1100;width:300px;padding:8px 10px;border-radius:6px;border:1px solid #3a3f5a;background:rgb(9,12,41);color:#e6ecf5;box-shadow:0 4px 16px rgba(0,0,0,.5);';
const BUTTON = 'padding:3px 10px;border-radius:4px;border:none;font:600 12px Inter,system-ui,sans-serif;cursor:pointer;text-decoration:none;';
const PRIMARY = `${BUTTON}background:#5acce6;color:#090c29;`;
const SECONDARY = `${BUTTON}background:#3a3f5a;color:#e6ecf5;`;

/**
 * Who is signed in, always visible in OHIF's header (never over a viewport): the person and the
 * provider, for a session that cannot be renewed the time it has left, and the way back to KHEOPS
 * when the launch gave one. A click on it opens a small panel with the details and a "Sign out"
 * button that first asks, on a page with measurements, whether to go ahead: they stay on the page
 * but cannot be saved until the person signs in again. Plain DOM (a runtime bundle's React cannot
 * use hooks under OHIF's). Returns a function that removes it.
 */
export function showSessionBadge(session: BadgeSession, environment: SessionBadgeEnvironment): () => void {
  const { document } = environment;
  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, css: string, attribute?: string, value = ''): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    node.style.cssText = css;
    if (attribute) node.setAttribute(attribute, value);
    return node;
  };
  const badge = make('div', INDICATOR, 'role', 'status');
  badge.setAttribute('aria-live', 'polite');
  // The summary in the header: who, and the provider or what is wrong; a click opens the details.
  const toggle = make('button', TOGGLE, 'data-kheops-auth-toggle');
  toggle.type = 'button';
  toggle.setAttribute('aria-expanded', 'false');
  const dot = make('span', 'flex:none;width:8px;height:8px;border-radius:50%;background:#5acce6', 'data-kheops-auth-dot');
  const lines = make('span', 'display:flex;flex-direction:column;min-width:0;text-align:left');
  const name = make('span', `font-weight:600;${ELLIPSIS}`);
  const user = make('strong', 'font-weight:600', 'data-kheops-auth-user');
  const signedOutLabel = make('span', '');
  name.append(user, signedOutLabel);
  const summary = make('span', `color:#b9c3d6;font-size:11px;${ELLIPSIS}`, 'data-kheops-auth-summary');
  lines.append(name, summary);
  const chevron = make('span', 'flex:none;color:#5acce6', 'aria-hidden', 'true');
  chevron.textContent = '▾';
  toggle.append(dot, lines, chevron);
  badge.append(toggle);
  const back = environment.returnUri ? make('a', `${PRIMARY}flex:none;white-space:nowrap`, 'data-kheops-auth-return') : undefined;
  if (back) {
    back.href = environment.returnUri!;
    back.rel = 'noopener noreferrer';
    back.textContent = 'Return to KHEOPS';
    badge.append(back);
  }
  // The details: opened from the summary, like OHIF's own header menus.
  const panel = make('div', PANEL, 'data-kheops-auth-panel');
  panel.id = `kheops-auth-panel-${Math.random().toString(36).slice(2)}`;
  panel.hidden = true;
  toggle.setAttribute('aria-controls', panel.id);
  const heading = make('div', '');
  const detail = make('div', 'color:#b9c3d6', 'data-kheops-auth-detail');
  const why = make('div', 'color:#b9c3d6;margin-top:2px', 'data-kheops-auth-why');
  const actions = make('div', 'margin-top:6px;display:flex;gap:8px;align-items:center');
  panel.append(heading, detail, why, actions);
  badge.append(panel);
  // Where the header leaves too little room for the way back beside the summary, it goes first in the panel.
  let backWidth = 0;
  badge.addEventListener(AVAILABLE_WIDTH_EVENT, event => {
    if (!back) return;
    if (back.parentNode === badge) backWidth = Math.max(backWidth, back.offsetWidth);
    const width = (event as CustomEvent<{ width?: number }>).detail?.width;
    const fits = width === undefined || width >= SUMMARY_MIN_WIDTH_PX + BADGE_GAP_PX + backWidth;
    if (fits && back.parentNode !== badge) toggle.after(back);
    if (!fits && back.parentNode !== actions) actions.prepend(back);
  });
  const setOpen = (open: boolean): void => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden));
  const onOutside = (event: Event): void => {
    if (!panel.hidden && event.target instanceof Node && !badge.contains(event.target) && state.phase !== 'confirming') setOpen(false);
  };
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && !panel.hidden) setOpen(false);
  };
  document.addEventListener('mousedown', onOutside);
  document.addEventListener('keydown', onKey);
  const button = (action: string, css: string, text: string, onClick: () => void): HTMLButtonElement => {
    const node = make('button', css, 'data-kheops-auth-action', action);
    node.type = 'button';
    node.textContent = text;
    node.addEventListener('click', onClick);
    actions.append(node);
    return node;
  };

  let state: BadgeState = { phase: 'signed-in' };
  let health: SessionHealth = 'active';
  let timer: unknown;

  const describeStatus = (who: NonNullable<ReturnType<BadgeSession['signedInUser']>>): string => {
    const left = !session.isRenewable() && who.expiresAt !== undefined ? who.expiresAt * 1000 - environment.now() : undefined;
    return (
      health === 'ended' || (left !== undefined && left <= 0)
        ? 'session ended'
        : left !== undefined
          ? describeRemaining(left)
          : health === 'at-risk'
            ? `cannot reach ${who.issuer.displayName}`
            : sessionNote(who.kind));
  };
  const describeSession = (who: NonNullable<ReturnType<BadgeSession['signedInUser']>>): string => [who.issuer.displayName, describeStatus(who)].filter(Boolean).join(' · ');

  const render = (): void => {
    const who = state.phase === 'signed-out' ? undefined : session.signedInUser();
    if (!who && state.phase !== 'signed-out') state = { phase: 'signed-out', note: SIGNED_OUT_NOTE };
    const { phase } = state;
    badge.setAttribute('data-kheops-auth-session', phase === 'signed-out' ? 'signed-out' : 'signed-in');
    heading.textContent = who ? `Signed in as ${who.name}` : 'Signed out';
    user.textContent = who?.name ?? '';
    signedOutLabel.textContent = who ? '' : 'Signed out';
    detail.textContent =
      state.phase === 'signed-out'
        ? state.note
        : state.phase === 'confirming'
          ? `This page has ${state.measurements === 1 ? 'a measurement that is not saved. It stays' : `${state.measurements} measurements that are not saved. They stay`} on the page, but cannot be saved to ${who?.issuer.displayName ?? 'KHEOPS'} until you sign in again.`
          : ((state.phase === 'signed-in' && state.problem) || describeSession(who!));
    const status = who ? describeStatus(who) : undefined;
    const provider = who?.issuer.displayName;
    summary.textContent = state.phase === 'signed-out' ? 'open the study from KHEOPS again' : status && provider && status.includes(provider) ? status : [status, provider].filter(Boolean).join(' · ');
    badge.title = [heading.textContent, detail.textContent].filter(Boolean).join(' — ');
    dot.style.background = state.phase === 'signed-out' || status === 'session ended' ? '#e0606e' : health === 'at-risk' ? '#f0b44c' : '#5acce6';
    const note = phase === 'signed-in' ? environment.note?.() : undefined;
    why.textContent = note ?? '';
    why.hidden = !note;
    signOut.hidden = phase === 'confirming' || phase === 'signed-out';
    signOut.disabled = phase === 'signing-out';
    signOut.textContent = phase === 'signing-out' ? 'Signing out…' : 'Sign out';
    confirm.hidden = stay.hidden = phase !== 'confirming';
    // Once signed out, nothing that needs a token is offered; the way back to KHEOPS needs none.
    if (phase === 'signed-out') [signOut, confirm, stay].forEach(node => node.remove());
  };

  const signedOut = (note: string): void => {
    state = { phase: 'signed-out', note };
    if (timer !== undefined) environment.timers.clear(timer);
    timer = undefined;
    render();
  };

  const goAhead = async (): Promise<void> => {
    const provider = session.signedInUser()?.issuer.displayName ?? 'KHEOPS';
    state = { phase: 'signing-out' };
    render();
    try {
      await session.signOut();
      signedOut(SIGNED_OUT_NOTE);
    } catch (error) {
      // The provider did not confirm the revocation; the session says whether the tokens are forgotten.
      if (session.signedInUser()) {
        state = { phase: 'signed-in', problem: 'Signing out failed. Try again.' };
        render();
      } else {
        // The session's own words say what the provider refused (token-revocation.ts).
        const refusal = isKheopsAuthError(error) && error.code === 'sign_out_incomplete' ? error.message : `${provider} did not confirm it; the session ends at its expiry.`;
        signedOut(`${refusal} ${SIGNED_OUT_NOTE}`);
      }
    }
  };

  const signOut = button('sign-out', SECONDARY, 'Sign out', () => {
    if (state.phase !== 'signed-in') return;
    const measurements = environment.measurementCount();
    if (measurements > 0) {
      state = { phase: 'confirming', measurements };
      setOpen(true);
      render();
    } else {
      void goAhead();
    }
  });
  const confirm = button('confirm-sign-out', PRIMARY, 'Sign out', () => void (state.phase === 'confirming' && goAhead()));
  const stay = button('stay-signed-in', SECONDARY, 'Stay signed in', () => {
    if (state.phase !== 'confirming') return;
    state = { phase: 'signed-in' };
    render();
  });

  const tick = (): void => {
    render();
    timer = state.phase === 'signed-out' ? undefined : environment.timers.set(tick, BADGE_REFRESH_MS);
  };
  const stopHealth = session.onHealthChange(next => {
    health = next;
    render();
  });
  const stopSignOut = session.onSignOut?.(where => {
    if (where === 'elsewhere') signedOut(`You signed out in another tab. ${SIGNED_OUT_NOTE}`);
    else if (state.phase !== 'signing-out') signedOut(SIGNED_OUT_NOTE);
  });

  const unplace = environment.place ? environment.place(badge) : (document.body.appendChild(badge), () => badge.remove());
  tick();
  return () => {
    if (timer !== undefined) environment.timers.clear(timer);
    stopHealth();
    stopSignOut?.();
    document.removeEventListener('mousedown', onOutside);
    document.removeEventListener('keydown', onKey);
    unplace();
  };
}
