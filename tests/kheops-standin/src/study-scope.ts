// Study-scoped tokens (KHEOPS viewer and report-provider tokens) at the DICOMweb gateway.
/**
 * A study-scoped token (KHEOPS viewer and report-provider tokens) opens only its study:
 * `/api/studies/<uid>…`, WADO-URI with its studyUID, and study-level QIDO, which (as on KHEOPS)
 * answers with that study only. Returns the path to forward, or undefined when refused.
 */
export function studyScopedPath(studyUid: string, method: string, pathAndQuery: string): string | undefined {
  const url = new URL(pathAndQuery, 'http://placeholder');
  const path = url.pathname;
  // STOW without a study in the path (as OHIF stores a report): the body's study is not checked here.
  if (method === 'POST' && (path === '/api/studies' || path === '/api/studies/')) return pathAndQuery;
  if (path === `/api/studies/${studyUid}` || path.startsWith(`/api/studies/${studyUid}/`)) return pathAndQuery;
  if (path === '/api/studies' || path === '/api/studies/') {
    const asked = url.searchParams.get('StudyInstanceUID');
    if (asked !== null && asked !== studyUid) return undefined;
    url.searchParams.set('StudyInstanceUID', studyUid);
    return `${path}${url.search}`;
  }
  if (path === '/api/wado') return url.searchParams.get('studyUID') === studyUid ? pathAndQuery : undefined;
  return undefined;
}
