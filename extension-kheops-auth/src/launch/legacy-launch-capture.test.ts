import { requireValidConfig } from '../config/validate';
import { captureLegacyLaunch, completeLegacyLaunch, type LegacyLaunchBrowser } from './legacy-launch-capture';

const API = 'https://kheops.example.org/api';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6InJlYWQifQ.c2lnbmF0dXJlc2ln';
const STUDY = '1.2.3.4';
const SERIES = '1.2.3.4.5';

const config = requireValidConfig({ issuers: [{ issuer: API, clientId: 'ohif-viewer', dicomWebRoot: API, launches: ['oidc', 'viewer-link', 'report-provider'] }] });

function browser(href: string, documents: Record<string, unknown> = {}, windowName = '') {
  const url = new URL(href);
  const history: string[] = [];
  const fetched: string[] = [];
  const posted: Array<{ url: string; form: string }> = [];
  const fake: LegacyLaunchBrowser = {
    location: { pathname: url.pathname, search: url.search, hash: url.hash },
    replaceState: next => history.push(next),
    fetch: async target => {
      fetched.push(target);
      const document = documents[target];
      return { ok: document !== undefined, status: document === undefined ? 404 : 200, json: async () => document };
    },
    post: async (target, form) => {
      posted.push({ url: target, form: form.toString() });
      const document = documents[`POST ${target}`];
      return { ok: document !== undefined, status: document === undefined ? 404 : 200, json: async () => document };
    },
    windowName: () => windowName,
    now: () => 1_000_000,
    randomId: () => 'launch-1',
  };
  return { fake, history, fetched, posted };
}

function session() {
  const adopted: unknown[] = [];
  return { adopted, adoptStaticToken: async (_issuer: unknown, token: unknown) => void adopted.push(token) };
}

describe('legacy launches in preRegistration', () => {
  it('scrubs a viewer link at once, then opens the study on the clicked series with the token as the session\'s', async () => {
    const { fake, history, fetched } = browser(`https://viewer.example.org/viewer?url=${encodeURIComponent(`${API}/link/${TOKEN}/ohifservermetadata`)}&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=${SERIES}`);
    const captured = captureLegacyLaunch(fake);
    expect(history).toEqual(['/viewer']);
    const target = session();
    const outcome = await completeLegacyLaunch(captured!, config, target, fake);
    expect(outcome.kind).toBe('launched');
    expect(history).toEqual(['/viewer', `/kheops?StudyInstanceUIDs=${STUDY}&initialSeriesInstanceUID=${SERIES}`]);
    // KHEOPS keeps no end for a viewer token: unknown, not an assumed 5 h.
    expect(target.adopted).toEqual([{ accessToken: TOKEN, scopes: ['read'], end: 'unknown', receivedAt: 1_000_000 }]);
    // ohifservermetadata is a URL with the token in it: never fetched.
    expect(fetched).toEqual([]);
    expect(history.join(' ')).not.toContain(TOKEN);
  });

  it('leaves an ordinary URL alone', () => {
    const { fake, history } = browser(`https://viewer.example.org/kheops?StudyInstanceUIDs=${STUDY}`);
    expect(captureLegacyLaunch(fake)).toBeUndefined();
    expect(history).toEqual([]);
  });

  it('refuses an untrusted root without fetching anything, and shows only the code in the URL', async () => {
    const { fake, history, fetched } = browser(`https://viewer.example.org/?url=${encodeURIComponent(`https://evil.example.org/api/link/${TOKEN}/ohifservermetadata`)}&studyInstanceUIDs=${STUDY}`);
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, config, session(), fake);
    expect(outcome.kind).toBe('refused');
    expect(history).toEqual(['/', '/kheops/refused?code=untrusted_root']);
    expect(fetched).toEqual([]);
    expect(outcome.kind === 'refused' && outcome.refusal.message).not.toContain(TOKEN);
  });

  const confUri = `${API}/.well-known/report-provider-configuration`;
  const reportHash = (conf = confUri) =>
    `#access_token=${TOKEN}&token_type=bearer&expires_in=3600&scope=read%20write&client_id=c&conf_uri=${encodeURIComponent(conf)}&return_uri=${encodeURIComponent('https://kheops.example.org/')}&studyUID=${STUDY}&studyUID=1.2.9`;

  it('takes a report-provider launch: fragment gone, configuration checked, first study opened, return link kept', async () => {
    const { fake, history, fetched } = browser(`https://viewer.example.org/kheops/report${reportHash()}`, { [confUri]: { dicomweb_endpoint: API } });
    const target = session();
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, config, target, fake);
    expect(outcome.kind).toBe('launched');
    expect(history).toEqual(['/kheops/report', `/kheops?StudyInstanceUIDs=${STUDY}`]);
    expect(fetched).toEqual([confUri]);
    expect(target.adopted).toEqual([{ accessToken: TOKEN, expiresAt: 1000 + 3600, scopes: ['read', 'write'], end: 'known', receivedAt: 1_000_000, returnUri: 'https://kheops.example.org/' }]);
      });

  it('refuses a configuration document that names another DICOMweb server', async () => {
    const { fake, history } = browser(`https://viewer.example.org/kheops/report${reportHash()}`, { [confUri]: { dicomweb_endpoint: 'https://evil.example.org/api' } });
    const target = session();
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, config, target, fake);
    expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'untrusted_root' } });
    expect(target.adopted).toEqual([]);
    expect(history[1]).toBe('/kheops/refused?code=untrusted_root');
  });

  it('never fetches a conf_uri on an untrusted origin', async () => {
    const { fake, fetched } = browser(`https://viewer.example.org/kheops/report${reportHash('https://evil.example.org/api/.well-known/report-provider-configuration')}`);
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, config, session(), fake);
    expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'untrusted_root' } });
    expect(fetched).toEqual([]);
  });
});

describe('OHIF\'s own ?token= parameter', () => {
  it.each(['token', 'Token', 'TOKEN'])('is scrubbed and refused before OHIF\'s mode route can use it (%s)', async name => {
    const { fake, history } = browser(`https://viewer.example.org/kheops?StudyInstanceUIDs=${STUDY}&${name}=${TOKEN}`);
    const target = session();
    const captured = captureLegacyLaunch(fake);
    expect(history).toEqual(['/kheops']);
    const outcome = await completeLegacyLaunch(captured!, config, target, fake);
    expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'invalid_link' } });
    expect(target.adopted).toEqual([]);
    expect(history[1]).toBe('/kheops/refused?code=invalid_link');
  });
});

describe('upgrade of a released launch (issuer entry with upgradeThrough)', () => {
  const REALM = 'https://keycloak.example.org/realms/kheops';
  const upgrading = requireValidConfig({
    issuers: [{ issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: API, launches: ['viewer-link', 'report-provider'], upgradeThrough: REALM }],
  });
  const OPAQUE = 'eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.a2V5a2V5a2V5.aXZpdml2.Y2lwaGVy.dGFndGFn';
  const link = `https://viewer.example.org/?url=${encodeURIComponent(`${API}/link/${OPAQUE}/ohifservermetadata`)}&studyInstanceUIDs=${STUDY}`;

  it('a viewer link in the tab KHEOPS named is kept for one silent sign-in at the realm', async () => {
    const { fake } = browser(link, {}, `OHIFViewer-${STUDY}`);
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, upgrading, session(), fake);
    expect(outcome).toMatchObject({
      kind: 'launched',
      upgrade: { through: { issuer: REALM }, kept: { id: 'launch-1', kind: 'viewer-link', studyUid: STUDY, evidence: { kind: 'kheops-tab' }, scopes: ['read', 'write'], target: `/kheops?StudyInstanceUIDs=${STUDY}` } },
    });
    expect(JSON.stringify(outcome.kind === 'launched' && outcome.upgrade?.kept)).not.toContain(OPAQUE);
  });

  it('a viewer link in an unnamed tab (a share link) keeps its static session and says why', async () => {
    const { fake } = browser(link);
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, upgrading, session(), fake);
    expect(outcome.kind === 'launched' && outcome.upgrade).toBeUndefined();
    expect(outcome.kind === 'launched' && outcome.staysStatic).toContain('not opened from KHEOPS in this browser');
  });

  it('a report-provider launch takes its end and person from introspection, on the trusted root', async () => {
    const conf = `${API}/.well-known/report-provider-configuration`;
    const fragment = new URLSearchParams({ access_token: TOKEN, token_type: 'bearer', expires_in: '3600', scope: 'read write', conf_uri: conf, studyUID: STUDY });
    const { fake, posted } = browser(`https://viewer.example.org/kheops/report#${fragment.toString()}`, {
      [conf]: { dicomweb_endpoint: API, introspection_endpoint: `${API}/token/introspect` },
      [`POST ${API}/token/introspect`]: { active: true, exp: 1000 + 1200, sub: 'alice' },
    });
    const target = session();
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, upgrading, target, fake);
    expect(posted).toEqual([{ url: `${API}/token/introspect`, form: `token=${encodeURIComponent(TOKEN)}` }]);
    expect(target.adopted).toMatchObject([{ expiresAt: 1000 + 1200, end: 'known' }]);
    expect(outcome).toMatchObject({ upgrade: { kept: { kind: 'report-provider', evidence: { kind: 'subject', subject: 'alice' } } } });
  });

  it('an introspection endpoint off the trusted root is never sent the token; expires_in is used', async () => {
    const conf = `${API}/.well-known/report-provider-configuration`;
    const fragment = new URLSearchParams({ access_token: TOKEN, token_type: 'bearer', expires_in: '3600', scope: 'read write', conf_uri: conf, studyUID: STUDY });
    const { fake, posted } = browser(`https://viewer.example.org/kheops/report#${fragment.toString()}`, {
      [conf]: { dicomweb_endpoint: API, introspection_endpoint: 'https://evil.example.org/introspect' },
    });
    const target = session();
    const outcome = await completeLegacyLaunch(captureLegacyLaunch(fake)!, upgrading, target, fake);
    expect(posted).toEqual([]);
    expect(target.adopted).toMatchObject([{ expiresAt: 1000 + 3600, end: 'known' }]);
    expect(outcome.kind === 'launched' && outcome.upgrade).toBeUndefined();
  });
});
