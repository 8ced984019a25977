// The study page's launches as released KHEOPS does them (see legacy-launches.ts): a viewer-token
// link, and a report-provider launch (a form posted to /api/report, as KHEOPS's album page does).
import { escapeHtml } from './html.js';
import { REPORT_PATH, REPORT_PROVIDER_CLIENT_ID, VIEWER_LINK_PATH } from './legacy-launches.js';

export function viewerLinkHref(user: string, studyUid: string, seriesUid?: string): string {
  const query = new URLSearchParams({ user, study: studyUid });
  if (seriesUid) query.set('series', seriesUid);
  return `${VIEWER_LINK_PATH}?${query.toString()}`;
}

export function legacyLaunchActions(user: string, studyUid: string): string {
  return `<a class="open-viewer-link" data-study-uid="${escapeHtml(studyUid)}" href="${escapeHtml(viewerLinkHref(user, studyUid))}">Viewer link (token in the URL)</a>
      <form class="open-report-provider" method="post" action="${REPORT_PATH}" style="display:inline">
        <input type="hidden" name="studyUID" value="${escapeHtml(studyUid)}">
        <input type="hidden" name="client_id" value="${REPORT_PROVIDER_CLIENT_ID}">
        <input type="hidden" name="user" value="${escapeHtml(user)}">
        <button type="submit" class="secondary" data-study-uid="${escapeHtml(studyUid)}" style="margin-top:0;margin-left:12px">Report provider</button>
      </form>`;
}
