// A KHEOPS-like album page: the studies in the archive, each series as a thumbnail that launches the
// viewer by third-party initiated login (OIDC Core §4), the launch this project aims at.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import { DEMO_USERS, findDemoUser, type DemoUser } from './accounts.js';
import { escapeHtml, renderPage, sendHtml } from './html.js';
import { sendText } from './http-utils.js';
import type { OrthancClient, StudySummary } from './orthanc-client.js';
import { legacyLaunchActions } from './study-page-legacy.js';

export interface StudyPageContext {
  orthanc: OrthancClient;
  issuer: string;
  viewerOrigin: string;
  /** The viewer page a launch opens, e.g. /kheops (OHIF's mode route, optionally /kheops/<data source>). */
  viewerPath?: string;
  /** Anonymous gateway (benchmark): links open the viewer's target directly, with no sign-in. */
  directLaunch?: boolean;
}

const THUMBNAIL_PATH = /^\/ui\/series\/([^/]+)\/([^/]+)\/thumbnail$/;

export function isStudyPagePath(path: string): boolean {
  return path === '/' || path === '/studies';
}

export function isThumbnailPath(path: string): boolean {
  return THUMBNAIL_PATH.test(path);
}

/** The viewer's login route, told who the issuer is, who is expected, and what to open afterwards. */
export function viewerLaunchUrl(
  { issuer, viewerOrigin, viewerPath = '/kheops', directLaunch }: Pick<StudyPageContext, 'issuer' | 'viewerOrigin' | 'viewerPath' | 'directLaunch'>,
  user: string,
  studyUid: string,
  seriesUid?: string,
): string {
  const target = new URL(viewerPath, viewerOrigin);
  target.searchParams.set('StudyInstanceUIDs', studyUid);
  if (seriesUid) target.searchParams.set('initialSeriesInstanceUID', seriesUid);
  if (directLaunch) return target.href;
  const login = new URL('/kheops/login', viewerOrigin);
  login.searchParams.set('iss', issuer);
  login.searchParams.set('login_hint', user);
  login.searchParams.set('target_link_uri', target.href);
  return login.href;
}

export async function handleStudyPage(context: StudyPageContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://placeholder').searchParams;
  const user = findDemoUser(query.get('user')) ?? DEMO_USERS[0]!;
  let studies: StudySummary[];
  try {
    studies = await context.orthanc.listStudies();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sendHtml(res, 502, renderPage({ body: `${userPicker(user)}<p class="error">Cannot list the studies: ${escapeHtml(message)}</p>`, css: PAGE_CSS }));
    return;
  }
  const cards = studies.length
    ? studies.map((study) => studyCard(context, user, study)).join('\n')
    : '<p class="panel muted" id="no-studies">The archive holds no studies yet.</p>';
  // The report-provider form posts here and is redirected to the viewer: form-action covers the chain.
  sendHtml(res, 200, renderPage({ body: `${userPicker(user)}\n<div class="studies">\n${cards}\n</div>`, css: PAGE_CSS }), [context.viewerOrigin]);
}

export async function handleThumbnail(context: StudyPageContext, res: ServerResponse, path: string): Promise<void> {
  const match = THUMBNAIL_PATH.exec(path);
  let image: Response | undefined;
  try {
    const studyUid = decodeURIComponent(match?.[1] ?? '');
    const seriesUid = decodeURIComponent(match?.[2] ?? '');
    image = await context.orthanc.seriesThumbnail(studyUid, seriesUid);
  } catch {
    image = undefined;
  }
  if (!image?.body) {
    sendText(res, 404, 'no preview for this series');
    return;
  }
  res.writeHead(200, {
    'Content-Type': image.headers.get('content-type') ?? 'image/png',
    'Cache-Control': 'private, max-age=300',
    'X-Content-Type-Options': 'nosniff',
  });
  Readable.fromWeb(image.body as import('node:stream/web').ReadableStream).pipe(res);
}

function userPicker(current: DemoUser): string {
  const links = DEMO_USERS.map((user) => {
    const href = `?${new URLSearchParams({ user: user.id }).toString()}`;
    const currentMark = user.id === current.id ? ' aria-current="page" class="current"' : '';
    return `<a href="${escapeHtml(href)}"${currentMark} data-user="${escapeHtml(user.id)}">${escapeHtml(user.name)}</a>`;
  }).join(' ');
  return `<nav class="users">Signed in to KHEOPS as <strong id="current-user" data-user="${escapeHtml(current.id)}">${escapeHtml(current.name)}</strong>. Switch user: ${links}</nav>`;
}

/** Modalities with no picture to preview (reports, presentation states, key images, segmentations as objects). */
const NON_IMAGE_MODALITIES = new Set(['SR', 'PR', 'KO', 'DOC', 'SEG', 'RTSTRUCT', 'RTPLAN']);

/** What a clinician reads on a series: its description, or for a report without one, "Report". */
function seriesLabel(series: StudySummary['series'][number]): string {
  if (series.description) return series.description;
  return series.modality === 'SR' ? 'Report' : `Series ${series.seriesNumber ?? ''}`.trim();
}

/** A picture for an image series; for a report or other object without pixels, a tile that says what it is. */
function seriesPreview(studyUid: string, series: StudySummary['series'][number], label: string): string {
  if (NON_IMAGE_MODALITIES.has(series.modality)) {
    const kind = series.modality === 'SR' ? 'Report' : series.modality;
    return `<span class="series-tile" role="img" aria-label="${escapeHtml(`${kind}: ${label}`)}">${escapeHtml(kind)}</span>`;
  }
  const image = `/ui/series/${encodeURIComponent(studyUid)}/${encodeURIComponent(series.seriesUid)}/thumbnail`;
  return `<img src="${escapeHtml(image)}" alt="${escapeHtml(label)}" width="128" height="128" loading="lazy">`;
}

function studyCard(context: StudyPageContext, user: DemoUser, study: StudySummary): string {
  const thumbnails = study.series
    .map((series) => {
      const href = viewerLaunchUrl(context, user.id, study.studyUid, series.seriesUid);
      const label = seriesLabel(series);
      const count = series.instanceCount === undefined ? '' : `${series.instanceCount} ${series.modality === 'SR' ? 'report' : 'image'}${series.instanceCount === 1 ? '' : 's'}`;
      return `<a class="series-thumbnail" data-study-uid="${escapeHtml(study.studyUid)}" data-series-uid="${escapeHtml(series.seriesUid)}" data-series-description="${escapeHtml(series.description)}" href="${escapeHtml(href)}">
        ${seriesPreview(study.studyUid, series, label)}
        <span class="series-label">${escapeHtml(label)}</span>
        <span class="series-meta">${escapeHtml([series.modality, count].filter(Boolean).join(' · '))}</span>
      </a>`;
    })
    .join('\n');
  const openStudy = viewerLaunchUrl(context, user.id, study.studyUid);
  return `<article class="study panel" data-study-uid="${escapeHtml(study.studyUid)}">
    <header>
      <h2>${escapeHtml(study.patientName || 'Anonymous')} <span class="muted">${escapeHtml(study.patientId)}</span></h2>
      <p><span class="study-description">${escapeHtml(study.description || 'Study')}</span> · <span class="study-date">${escapeHtml(study.date)}</span> · ${study.series.length} series</p>
      <a class="open-study" href="${escapeHtml(openStudy)}">Open study</a>
    </header>
    <p class="hint">Or open one series: click it.</p>
    <div class="series-grid">
${thumbnails}
    </div>
    <section class="released-launches" aria-label="Ways released KHEOPS opens the viewer">
      <h3>Ways released KHEOPS opens the viewer</h3>
      <p>For comparison: today's KHEOPS cannot sign the viewer in, so it hands over a token in the link.</p>
      ${legacyLaunchActions(user.id, study.studyUid)}
    </section>
  </article>`;
}

const PAGE_CSS = `
  nav.users { margin-bottom: 16px; color: var(--muted); }
  nav.users a { margin-left: 8px; }
  nav.users a.current { font-weight: 600; color: var(--ink); text-decoration: none; }
  .studies { display: grid; gap: 16px; }
  .study header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; margin-bottom: 12px; }
  .study h2 { font-size: 17px; margin: 0; }
  .study header p { margin: 0; color: var(--muted); flex: 1; }
  .open-study { font-weight: 600; padding: 8px 16px; border-radius: 6px; background: var(--accent); color: #fff; text-decoration: none; }
  .hint { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
  .series-tile { display: flex; align-items: center; justify-content: center; width: 100%; aspect-ratio: 1; border-radius: 4px; background: #2b3445; color: #e6ecf5; font-weight: 600; }
  .released-launches { margin-top: 16px; padding-top: 10px; border-top: 1px dashed var(--line); font-size: 13px; color: var(--muted); }
  .released-launches h3 { margin: 0 0 4px; font-size: 13px; font-weight: 600; }
  .released-launches p { margin: 0 0 8px; }
  .released-launches a, .released-launches button { font-size: 13px; }
  .series-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px; }
  .series-thumbnail { display: flex; flex-direction: column; gap: 4px; padding: 6px; border: 1px solid var(--line); border-radius: 6px; color: var(--ink); text-decoration: none; background: #fafbfc; }
  .series-thumbnail:hover { border-color: var(--accent); }
  .series-thumbnail img { width: 100%; height: auto; aspect-ratio: 1; object-fit: contain; background: #000; border-radius: 4px; }
  .series-label { font-size: 13px; font-weight: 600; overflow-wrap: anywhere; }
  .series-meta { font-size: 12px; color: var(--muted); }
`;
