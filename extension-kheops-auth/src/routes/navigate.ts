/**
 * Moves the single-page app to `target` (path and query on this origin) without a document load:
 * the address bar is replaced, so the callback URL with its code and state leaves the history,
 * and OHIF's router follows the popstate event as it does for the back button.
 */
export function navigateWithinApp(target: string): void {
  window.history.replaceState(null, '', target);
  window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
}

/** Removes the query and fragment of the current URL (codes, states, tokens) from the address bar and history. */
export function scrubCurrentUrl(): void {
  window.history.replaceState(null, '', window.location.pathname);
}
