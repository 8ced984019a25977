import type { Page } from 'playwright-core';

/** The main frame's document loads and HTTP redirects on one page, as the bench counts them. */
export interface NavigationCount {
  /** Documents the main frame loaded (navigation responses with a 2xx status). */
  documents: string[];
  /** Navigation responses with a 3xx status (each a hop of a redirect chain). */
  redirects: string[];
}

function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** Starts counting on `page`; read the returned object whenever (it is filled as events arrive). */
export function countNavigations(page: Page): NavigationCount {
  const count: NavigationCount = { documents: [], redirects: [] };
  page.on('response', response => {
    const request = response.request();
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    const status = response.status();
    if (status >= 300 && status < 400) count.redirects.push(`${status} ${describe(response.url())}`);
    else if (status >= 200 && status < 300) count.documents.push(describe(response.url()));
  });
  return count;
}
