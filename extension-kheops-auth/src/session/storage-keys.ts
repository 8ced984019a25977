/**
 * The keys of what the extension keeps in the tab's sessionStorage: it survives the sign-in round
 * trip and a reload of the tab, and dies with the tab. What tabs share lives in IndexedDB instead
 * (the rotating refresh token, shared-token-store.ts; reports waiting for a sign-in,
 * pending-saves.ts). Never localStorage, which any later visitor of this origin on the machine could read.
 */
export const STATE_PREFIX = 'kheops-auth.state.';
export const USER_PREFIX = 'kheops-auth.user.';
export const ACTIVE_ISSUER_KEY = 'kheops-auth.active-issuer';

/**
 * This tab's signed-in user for one issuer: the key oidc-client-ts's UserManager used
 * (`user:<authority>:<client_id>`), which sessions stored by earlier versions of the extension rely on.
 */
export function tabUserKey(issuer: { issuer: string; clientId: string }): string {
  return `${USER_PREFIX}user:${issuer.issuer}:${issuer.clientId}`;
}
/** A token KHEOPS put in a launch URL (viewer link, report provider): see static-token.ts. */
export const STATIC_TOKEN_KEY = 'kheops-auth.static-token';
/** A released-KHEOPS launch kept while its one silent upgrade is under way (silent-upgrade.ts). */
export const KEPT_LAUNCH_KEY = 'kheops-auth.kept-launch';
/** What became of this tab's last upgrade: the session it gave, or the sentence saying why not. */
export const UPGRADE_OUTCOME_KEY = 'kheops-auth.upgrade-outcome';
/** The viewer page (path and query) this tab last showed, where a cancelled launch returns to. */
export const VIEWER_PAGE_KEY = 'kheops-auth.viewer-page';
