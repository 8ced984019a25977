/**
 * Everything the extension keeps lives in sessionStorage under these prefixes: it survives the
 * sign-in round trip and a reload of the tab, and dies with the tab. Never localStorage, which any
 * later visitor of this origin on the machine could read.
 */
export const STATE_PREFIX = 'kheops-auth.state.';
export const USER_PREFIX = 'kheops-auth.user.';
export const ACTIVE_ISSUER_KEY = 'kheops-auth.active-issuer';
