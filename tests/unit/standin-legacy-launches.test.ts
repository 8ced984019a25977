// The stand-in's launches as released KHEOPS does them: viewer-token links (with ohifservermetadata),
// report-provider launches (implicit flow), and study-scoped tokens at the gateway.
import { startStandinProcess, stopProcess } from './support/standin-process';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';

import { studyScopedPath } from '../kheops-standin/src/study-scope';

jest.setTimeout(60000);

const VIEWER_ORIGIN = 'http://localhost:3000';
const STUDY = '1.2.826.0.1.3680043.8.498.7';
const OTHER_STUDY = '1.2.826.0.1.3680043.8.498.8';

let orthanc: Server;
const upstream: string[] = [];
let child: ChildProcess | undefined;
let standin = '';

beforeAll(async () => {
  orthanc = createServer((req, res) => {
    upstream.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end('[]');
  });
  await new Promise<void>(resolve => orthanc.listen(0, '127.0.0.1', resolve));
  const orthancUrl = `http://127.0.0.1:${(orthanc.address() as AddressInfo).port}`;
  const started = await startStandinProcess({ VIEWER_ORIGIN, ORTHANC_URL: orthancUrl });
  child = started.child;
  standin = started.url;
});

afterAll(async () => {
  await stopProcess(child);
  await new Promise<void>(resolve => orthanc.close(() => resolve()));
});

async function viewerLink(series?: string): Promise<URL> {
  const query = new URLSearchParams({ user: 'alice', study: STUDY, ...(series ? { series } : {}) });
  const response = await fetch(`${standin}/ui/viewer-link?${query.toString()}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

function linkToken(location: URL): string {
  const url = new URL(location.searchParams.get('url') ?? '');
  return /\/api\/link\/([^/]+)\/ohifservermetadata$/.exec(url.pathname)?.[1] ?? '';
}

describe('viewer-token links', () => {
  it('open the viewer as KHEOPS does: url=<API>/api/link/<token>/ohifservermetadata, study and clicked series', async () => {
    const location = await viewerLink('1.2.3');
    expect(location.origin).toBe(VIEWER_ORIGIN);
    expect(location.searchParams.get('studyInstanceUIDs')).toBe(STUDY);
    expect(location.searchParams.get('seriesInstanceUIDs')).toBe('1.2.3');
    const claims = decodeJwt(linkToken(location));
    expect(claims).toMatchObject({ iss: `${standin}/api`, aud: `${standin}/api`, sub: 'alice', scope: 'read write', study_uid: STUDY });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(5 * 3600);
  });

  it('ohifservermetadata names the link roots, with the token in them', async () => {
    const token = linkToken(await viewerLink());
    const response = await fetch(`${standin}/api/link/${token}/ohifservermetadata`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { servers: { dicomWeb: Array<{ qidoRoot: string; wadoRoot: string }> } };
    expect(body.servers.dicomWeb[0]?.wadoRoot).toBe(`${standin}/api/link/${token}`);
    expect((await fetch(`${standin}/api/link/not-a-token/ohifservermetadata`)).status).toBe(401);
  });

  it('the token opens only its study at the gateway', async () => {
    const token = linkToken(await viewerLink());
    const headers = { Authorization: `Bearer ${token}` };
    expect((await fetch(`${standin}/api/studies/${STUDY}/series`, { headers })).status).toBe(200);
    expect((await fetch(`${standin}/api/studies/${OTHER_STUDY}/series`, { headers })).status).toBe(403);
    expect((await fetch(`${standin}/api/link/${token}/studies/${STUDY}/metadata`)).status).toBe(200);
    upstream.length = 0;
    expect((await fetch(`${standin}/api/studies?PatientID=P1`, { headers })).status).toBe(200);
    expect(upstream[0]).toContain(`StudyInstanceUID=${STUDY}`);
  });
});

describe('report provider (implicit flow)', () => {
  it('POST /api/report redirects to the registered redirect_uri with the token in the fragment', async () => {
    const form = new URLSearchParams({ studyUID: STUDY, client_id: 'ohif-report-provider', user: 'bob' });
    const response = await fetch(`${standin}/api/report`, { method: 'POST', body: form, redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${VIEWER_ORIGIN}/kheops/report`);
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('scope')).toBe('read write');
    expect(fragment.get('conf_uri')).toBe(`${standin}/api/.well-known/report-provider-configuration`);
    expect(fragment.getAll('studyUID')).toEqual([STUDY]);
    expect(decodeJwt(fragment.get('access_token') ?? '')).toMatchObject({ sub: 'bob', study_uid: STUDY });
  });

  it('refuses an unregistered client', async () => {
    const form = new URLSearchParams({ studyUID: STUDY, client_id: 'someone-else', user: 'bob' });
    expect((await fetch(`${standin}/api/report`, { method: 'POST', body: form, redirect: 'manual' })).status).toBe(400);
  });

  it('serves the report-provider configuration, publicly', async () => {
    const response = await fetch(`${standin}/api/.well-known/report-provider-configuration`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      issuer: `${standin}/api`,
      dicomweb_endpoint: `${standin}/api`,
      token_endpoint: `${standin}/api/token`,
      introspection_endpoint: `${standin}/api/token/introspect`,
      userinfo_endpoint: `${standin}/api/me`,
    });
  });
});

describe('studyScopedPath', () => {
  it.each([
    ['GET', `/api/studies/${STUDY}/series`, `/api/studies/${STUDY}/series`],
    ['GET', `/api/studies/${OTHER_STUDY}/series`, undefined],
    ['GET', `/api/studies/${STUDY}0/series`, undefined],
    ['GET', `/api/studies?StudyInstanceUID=${OTHER_STUDY}`, undefined],
    ['GET', '/api/series', undefined],
    ['POST', '/api/studies', '/api/studies'],
    ['GET', `/api/wado?studyUID=${STUDY}&objectUID=1`, `/api/wado?studyUID=${STUDY}&objectUID=1`],
  ])('%s %s', (method, requested, expected) => {
    expect(studyScopedPath(STUDY, method, requested)).toBe(expected);
  });
});
