// Released KHEOPS's web UI, as far as a viewer launch sees it (KheopsUI, platform-facts §2.2): the user
// signs in at the realm in the browser (code flow, `scope: "openid"`, oidc-client-ts standing in for
// KHEOPS's oidc-client 1.x); a click on a study or series opens a named tab first
// (`OHIFViewer-<study>`, `OHIF-<study>` from a series), exchanges the user's token at POST /api/token
// for a viewer token, and sets that tab's location to
// `VIEWER?url=<API>/link/<viewerToken>/ohifservermetadata&studyInstanceUIDs=<uid>[&seriesInstanceUIDs=<uid>]`.
// A report-provider launch posts the album's provider to /api/report.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

import { escapeHtml, renderPage } from '../html.js';
import { sendText } from '../http-utils.js';
import { REPORT_PATH } from '../legacy-launches.js';
import type { OrthancClient, StudySummary } from '../orthanc-client.js';

export const UI_CLIENT_ID = 'kheops-ui';
export const UI_CALLBACK_PATH = '/ui/callback';
const OIDC_CLIENT_PATH = '/ui/oidc-client-ts.min.js';
const UI_SCRIPT_PATH = '/ui/kheops-ui.js';

export interface ReleasedUiContext {
  url: string;
  root: string;
  realmIssuer: string;
  viewerOrigin: string;
  orthanc: OrthancClient;
  /** The album's report providers: one "Report" button each (a code-form one has a configuration URL). */
  providers: Array<{ clientId: string; name: string; configurationUrl?: string }>;
}

export function isReleasedUiPath(path: string): boolean {
  return path === '/' || path === UI_CALLBACK_PATH || path === OIDC_CLIENT_PATH || path === UI_SCRIPT_PATH;
}

let oidcClientScript: string | undefined;
function oidcClient(): string {
  const require = createRequire(import.meta.url);
  // The package exports no browser build; it sits beside the one it does export.
  const packageJson = require.resolve('oidc-client-ts/package.json');
  oidcClientScript ??= readFileSync(path.join(path.dirname(packageJson), 'dist', 'browser', 'oidc-client-ts.min.js'), 'utf8');
  return oidcClientScript;
}

export async function handleReleasedUi(context: ReleasedUiContext, res: ServerResponse, path: string): Promise<void> {
  if (path === OIDC_CLIENT_PATH) return sendScript(res, oidcClient());
  if (path === UI_SCRIPT_PATH) return sendScript(res, uiScript(context));
  let studies: StudySummary[] = [];
  let problem = '';
  try {
    studies = await context.orthanc.listStudies();
  } catch (error) {
    problem = `<p class="error">Cannot list the studies: ${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`;
  }
  const body = `<nav class="users" id="kheops-user">Not signed in. <button id="sign-in" type="button">Sign in to KHEOPS</button></nav>
<p class="error" id="launch-error" hidden></p>
${problem}
<div class="studies" id="studies" hidden>
${studies.map(study => studyCard(study, context.providers)).join('\n')}
</div>
<script src="${OIDC_CLIENT_PATH}"></script>
<script src="${UI_SCRIPT_PATH}"></script>`;
  const html = renderPage({ body, css: PAGE_CSS });
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'unsafe-inline'",
      "img-src 'self'",
      `connect-src 'self' ${new URL(context.realmIssuer).origin}`,
      `form-action 'self' ${context.viewerOrigin}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

function sendScript(res: ServerResponse, script: string): void {
  sendText(res, 200, script, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
}

function studyCard(study: StudySummary, providers: ReleasedUiContext['providers']): string {
  const uid = escapeHtml(study.studyUid);
  const series = study.series
    .map(
      s => `<button type="button" class="series-thumbnail" data-open-viewer data-study-uid="${uid}" data-series-uid="${escapeHtml(s.seriesUid)}">
        <img src="/ui/series/${encodeURIComponent(study.studyUid)}/${encodeURIComponent(s.seriesUid)}/thumbnail" alt="" width="128" height="128" loading="lazy">
        <span class="series-label">${escapeHtml(s.description || `Series ${s.seriesNumber ?? ''}`)}</span>
      </button>`,
    )
    .join('\n');
  return `<article class="study panel" data-study-uid="${uid}">
    <header>
      <h2>${escapeHtml(study.patientName || 'Anonymous')} <span class="muted">${escapeHtml(study.patientId)}</span></h2>
      <p>${escapeHtml(study.description || '(no description)')} · ${study.series.length} series</p>
      <button type="button" class="open-study" data-open-viewer data-study-uid="${uid}">Open in OHIF</button>
      ${providers.map(provider => reportForm(uid, provider)).join('\n')}
    </header>
    <div class="series-grid">${series}</div>
  </article>`;
}

function reportForm(uid: string, provider: ReleasedUiContext['providers'][number]): string {
  // Two classes, so that a page's implicit-form button is still the one 'form.open-report-provider' finds.
  const kind = provider.configurationUrl ? 'open-code-report-provider' : 'open-report-provider';
  return `<form class="${kind}" method="post" action="${REPORT_PATH}">
        <input type="hidden" name="studyUID" value="${uid}">
        <input type="hidden" name="client_id" value="${escapeHtml(provider.clientId)}">
        <input type="hidden" name="access_token" value="">
        <button type="submit" class="secondary" data-study-uid="${uid}" data-client-id="${escapeHtml(provider.clientId)}">Report (${escapeHtml(provider.name)})</button>
      </form>`;
}

/** The page's script: what KheopsUI does on a click, in plain browser JavaScript. */
function uiScript({ url, root, realmIssuer, viewerOrigin }: ReleasedUiContext): string {
  const settings = JSON.stringify({ url, root, realmIssuer, viewerOrigin, clientId: UI_CLIENT_ID, callback: `${url}${UI_CALLBACK_PATH}` });
  return `'use strict';
(() => {
  const settings = ${settings};
  const manager = new oidc.UserManager({
    authority: settings.realmIssuer, client_id: settings.clientId, redirect_uri: settings.callback,
    scope: 'openid', response_type: 'code', loadUserInfo: false, automaticSilentRenew: false,
    userStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
  });
  const error = document.getElementById('launch-error');
  const fail = (message) => { error.textContent = message; error.hidden = false; };
  async function freshToken() {
    let user = await manager.getUser();
    if (user && user.expires_in !== undefined && user.expires_in < 5) user = await manager.signinSilent();
    if (!user) throw new Error('not signed in to KHEOPS');
    return user.access_token;
  }
  async function viewerToken(studyUID) {
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', client_id: settings.clientId,
      subject_token: await freshToken(), subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'viewer read write', studyUID,
    });
    const response = await fetch(settings.root + '/token', { method: 'POST', body });
    const answer = await response.json();
    if (!response.ok) throw new Error('KHEOPS gave no viewer token (' + answer.error + ')');
    return answer.access_token;
  }
  async function openViewer(button) {
    const study = button.dataset.studyUid;
    const series = button.dataset.seriesUid;
    const tab = window.open('', series ? 'OHIF-' + study : 'OHIFViewer-' + study);
    try {
      const token = await viewerToken(study);
      let link = settings.viewerOrigin + '/?url=' + encodeURIComponent(settings.root + '/link/' + token + '/ohifservermetadata') + '&studyInstanceUIDs=' + study;
      if (series) link += '&seriesInstanceUIDs=' + series;
      tab.location.href = link;
    } catch (problem) {
      if (tab) tab.close();
      fail(problem.message);
    }
  }
  async function start() {
    if (location.pathname === '/ui/callback') {
      await manager.signinRedirectCallback();
      history.replaceState(null, '', '/');
    }
    const user = await manager.getUser();
    if (!user) {
      document.getElementById('sign-in').addEventListener('click', () => manager.signinRedirect());
      return;
    }
    const nav = document.getElementById('kheops-user');
    nav.textContent = 'Signed in to KHEOPS as ';
    const who = document.createElement('strong');
    who.id = 'current-user';
    who.dataset.user = user.profile.sub;
    who.textContent = user.profile.sub;
    nav.append(who);
    document.getElementById('studies').hidden = false;
    document.addEventListener('click', event => {
      const button = event.target.closest('[data-open-viewer]');
      if (button) openViewer(button);
    });
    document.addEventListener('submit', async event => {
      const form = event.target.closest('form.open-report-provider, form.open-code-report-provider');
      if (!form || form.dataset.ready) return;
      event.preventDefault();
      form.elements.access_token.value = await freshToken();
      form.dataset.ready = '1';
      form.submit();
    });
  }
  start().catch(problem => fail(problem.message));
})();
`;
}

const PAGE_CSS = `
  nav.users { margin-bottom: 16px; color: var(--muted); }
  .studies { display: grid; gap: 16px; }
  .study header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; margin-bottom: 12px; }
  .study h2 { font-size: 17px; margin: 0; }
  .study header p { margin: 0; color: var(--muted); flex: 1; }
  .series-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px; }
  .series-thumbnail { display: flex; flex-direction: column; gap: 4px; padding: 6px; margin: 0; border: 1px solid var(--line); border-radius: 6px; color: var(--ink); background: #fafbfc; }
  .series-thumbnail img { width: 100%; height: auto; aspect-ratio: 1; object-fit: contain; background: #000; }
`;
