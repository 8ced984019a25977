import type { KheopsAuthConfig } from '../config/types';
import { checkKeptTarget } from '../launch/target';
import { VIEWER_PAGE_KEY } from './storage-keys';

/**
 * The viewer page this tab last showed (path and query), so that a launch the person cancels can
 * take them back to it. Kept in sessionStorage, like the session it goes with.
 */
export function rememberViewerPage(storage: Storage, location: { pathname: string; search: string }): void {
  storage.setItem(VIEWER_PAGE_KEY, `${location.pathname}${location.search}`);
}

/**
 * The remembered page, only if it is still a page a launch could open (the same checks as a
 * launch's target), since anything on this origin could have written it.
 */
export function readViewerPage(storage: Storage, viewerOrigin: string, config: Pick<KheopsAuthConfig, 'allowedTargetPaths' | 'routes'>): string | undefined {
  const page = storage.getItem(VIEWER_PAGE_KEY);
  return page ? checkKeptTarget(page, viewerOrigin, config) : undefined;
}
