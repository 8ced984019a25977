import { validateTarget } from '../launch/target';
import { VIEWER_PAGE_KEY } from './storage-keys';

/**
 * The viewer page this tab last showed (path and query), so that a launch the person cancels can
 * take them back to it. Kept in sessionStorage, like the session it goes with.
 */
export function rememberViewerPage(storage: Storage, location: { pathname: string; search: string }): void {
  storage.setItem(VIEWER_PAGE_KEY, `${location.pathname}${location.search}`);
}

/**
 * The remembered page, only if it is still a page a launch could open (same checks as a launch's
 * target: under the mode's route, no token parameter), since anything on this origin could have written it.
 */
export function readViewerPage(storage: Storage, viewerOrigin: string, allowedPaths: readonly string[]): string | undefined {
  const page = storage.getItem(VIEWER_PAGE_KEY);
  if (!page?.startsWith('/')) return undefined;
  const checked = validateTarget(`${viewerOrigin}${page}`, viewerOrigin, allowedPaths);
  return checked.ok ? checked.target : undefined;
}
