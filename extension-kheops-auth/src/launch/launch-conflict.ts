import type { OidcLaunch } from './types';

/** The person a tab is signed in as, as far as the question needs it (session/tab-user.ts reads it). */
export interface SignedInPerson {
  /** The names the person goes by: `sub`, `preferred_username`, `email`. */
  identifiers: string[];
  /** How to call them on screen. */
  displayName: string;
}

/**
 * A launch that would sign this tab in as someone else than the person already signed in here.
 * Both login entry points (the small login page and the in-viewer route) ask before going on.
 */
export interface DifferentUserQuestion {
  kind: 'different-user';
  /** The tab's person, as shown. */
  signedInAs: string;
  /** The launch's `login_hint`, as shown (shortened when long). */
  requestedAs: string;
  /** The KHEOPS the launch comes from. */
  issuerName: string;
}

/** The words of the question and its buttons, the same on both login entry points. Plain text, never HTML. */
export interface QuestionView {
  title: string;
  message: string;
  continueLabel: string;
  cancelLabel: string;
}

/** What the page says when the person cancels and there is no viewer page to return to. */
export interface UnchangedView {
  title: string;
  message: string;
}

/** Longer hints are shown cut: the text is for recognising a person, not for display of arbitrary input. */
const MAX_SHOWN_HINT = 120;

/**
 * A JWT (as the 2020 KHEOPS OpenID branch sends as login_hint) names its person only inside a token
 * this page cannot verify: such a hint cannot be compared, so it asks nothing.
 */
export function isOpaqueLoginHint(hint: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(hint);
}

function sameIdentifier(identifier: string, hint: string): boolean {
  // `sub` is compared exactly; user names and e-mail addresses are case-insensitive at KHEOPS's Keycloak.
  return identifier === hint || identifier.toLowerCase() === hint.toLowerCase();
}

/**
 * Whether a launch must ask before it replaces the tab's session: only when someone is signed in,
 * the launch names a person (`login_hint`) in a form that can be compared, and that person is not
 * the one signed in. No hint, or an opaque one, asks nothing: the provider decides who signs in.
 */
export function launchConflict(tabUser: SignedInPerson | undefined, launch: Pick<OidcLaunch, 'loginHint' | 'issuer'>): DifferentUserQuestion | undefined {
  const hint = launch.loginHint?.trim();
  if (!tabUser || tabUser.identifiers.length === 0 || !hint || isOpaqueLoginHint(hint)) return undefined;
  if (tabUser.identifiers.some(identifier => sameIdentifier(identifier, hint))) return undefined;
  return {
    kind: 'different-user',
    signedInAs: tabUser.displayName,
    requestedAs: hint.length > MAX_SHOWN_HINT ? `${hint.slice(0, MAX_SHOWN_HINT)}…` : hint,
    issuerName: launch.issuer.displayName,
  };
}

export function describeQuestion(question: DifferentUserQuestion): QuestionView {
  return {
    title: 'Open the study as someone else?',
    message: `You are signed in as ${question.signedInAs}. ${question.issuerName} asks to open a study as ${question.requestedAs}.`,
    continueLabel: `Continue as ${question.requestedAs}`,
    cancelLabel: 'Cancel',
  };
}

export function describeUnchanged(question: DifferentUserQuestion): UnchangedView {
  return {
    title: 'Nothing was changed',
    message: `You are still signed in as ${question.signedInAs}. Open the study again from KHEOPS when you want to.`,
  };
}
