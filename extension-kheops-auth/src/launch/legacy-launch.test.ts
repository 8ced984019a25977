import { requireValidConfig } from '../config/validate';
import { isUid } from './dicom-uid';
import {
  checkReportProviderConfiguration,
  checkReturnUri,
  detectLegacyLaunch,
  isTokenShaped,
  jwtHints,
  legacyLaunchTarget,
  parseReportProviderLaunch,
  parseViewerLink,
} from './legacy-launch';

const API = 'https://kheops.example.org/api';
const TOKEN = 'abcDEF0123456789-._~+/token==';
/** The same alphabet without "/": a token as it stands in a link's path (KHEOPS's are JWTs). */
const LINK_TOKEN = 'abcDEF0123456789-._~+token==';
const STUDY = '1.2.840.113619.2.1';
const SERIES = '1.2.840.113619.2.1.3';

function config(launches: string[] = ['oidc', 'viewer-link', 'report-provider']) {
  return requireValidConfig({
    issuers: [
      { issuer: API, clientId: 'ohif-viewer', dicomWebRoot: API, launches },
      { issuer: 'https://other.example.org/api', clientId: 'ohif-viewer', dicomWebRoot: 'https://other.example.org/api' },
    ],
  });
}

function link(url: string, extra = `&studyInstanceUIDs=${STUDY}`): string {
  return `?url=${encodeURIComponent(url)}${extra}`;
}

const good = `${API}/link/${LINK_TOKEN}/ohifservermetadata`;

describe('parseViewerLink', () => {
  it('accepts KHEOPS\'s link and takes the token out of it', () => {
    const launch = parseViewerLink(link(good, `&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=${SERIES}`), config());
    expect(launch).toMatchObject({ kind: 'viewer-link', accessToken: LINK_TOKEN, studyUids: [STUDY], seriesUid: SERIES });
    if (launch.kind === 'viewer-link') expect(launch.issuer.dicomWebRoot).toBe(API);
  });

  it('accepts OHIF\'s parameter case too', () => {
    expect(parseViewerLink(link(good, `&StudyInstanceUIDs=${STUDY}&SeriesInstanceUIDs=${SERIES}`), config())).toMatchObject({ studyUids: [STUDY], seriesUid: SERIES });
  });

  it.each([
    ['an untrusted root', `https://evil.example.org/api/link/${TOKEN}/ohifservermetadata`, 'untrusted_root'],
    ['a lookalike host', `https://kheops.example.org.evil.net/api/link/${TOKEN}/ohifservermetadata`, 'untrusted_root'],
    ['a lookalike path', `https://kheops.example.org/api-evil/link/${TOKEN}/ohifservermetadata`, 'untrusted_root'],
    ['another port', `https://kheops.example.org:8443/api/link/${TOKEN}/ohifservermetadata`, 'untrusted_root'],
    ['credentials in the URL', `https://user:pw@kheops.example.org/api/link/${TOKEN}/ohifservermetadata`, 'invalid_link'],
    ['a javascript: URL', 'javascript:alert(1)', 'invalid_link'],
    ['another path under the root', `${API}/studies/${STUDY}`, 'invalid_link'],
    ['extra segments', `${API}/link/${TOKEN}/x/ohifservermetadata`, 'invalid_link'],
    ['a query on the link', `${good}?x=1`, 'invalid_link'],
    ['a short token', `${API}/link/abc/ohifservermetadata`, 'invalid_token'],
    ['a token with spaces', `${API}/link/${encodeURIComponent('abc def ghi jkl mno pqr')}/ohifservermetadata`, 'invalid_token'],
    ['a huge token', `${API}/link/${'a'.repeat(9000)}/ohifservermetadata`, 'invalid_token'],
    // Found by the hostile-launch suite: these decoded into token-shaped strings and were accepted.
    ['an encoded slash in the token', `${API}/link/${encodeURIComponent(TOKEN)}/ohifservermetadata`, 'invalid_token'],
    ['encoded dot segments as the token', `${API}/link/..%2F..%2F..%2F..%2F..%2Fstudies/ohifservermetadata`, 'invalid_token'],
    ['a percent-encoded token', `${API}/link/%61${LINK_TOKEN}/ohifservermetadata`, 'invalid_token'],
    ['a token of dots only', `${API}/link/${'.'.repeat(20)}/ohifservermetadata`, 'invalid_token'],
  ])('refuses %s', (_name, url, code) => {
    expect(parseViewerLink(link(url), config())).toMatchObject({ kind: 'refusal', code });
  });

  it('refuses when the issuer entry does not enable viewer links', () => {
    expect(parseViewerLink(link(good), config(['oidc']))).toMatchObject({ kind: 'refusal', code: 'launch_not_enabled' });
  });

  it.each([
    ['no study', ''],
    ['a study with letters', '&studyInstanceUIDs=1.2.abc'],
    ['a study too long', `&studyInstanceUIDs=1.${'2'.repeat(70)}`],
    ['a script in the series', `&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=<script>`],
    ['two series', `&studyInstanceUIDs=${STUDY}&seriesInstanceUIDs=1.2,1.3`],
  ])('refuses malformed UIDs: %s', (_name, extra) => {
    expect(parseViewerLink(link(good, extra), config())).toMatchObject({ kind: 'refusal', code: 'invalid_uid' });
  });

  it('refuses two url parameters', () => {
    expect(parseViewerLink(`${link(good)}&url=${encodeURIComponent(good)}`, config())).toMatchObject({ kind: 'refusal', code: 'invalid_link' });
  });

  it('never puts the token in a refusal message', () => {
    const hostile = [
      `https://evil.example.org/api/link/${LINK_TOKEN}/ohifservermetadata`,
      `${API}/link/${LINK_TOKEN}/other`,
      `${API}/link/${LINK_TOKEN}/ohifservermetadata?x=${LINK_TOKEN}`,
    ];
    for (const url of hostile) {
      const result = parseViewerLink(link(url, '&studyInstanceUIDs=bad'), config());
      expect(result.kind).toBe('refusal');
      if (result.kind === 'refusal') expect(result.message).not.toContain(LINK_TOKEN);
    }
  });

  it('reads scope and lifetime from a JWT token, for the person only', () => {
    const payload = btoa(JSON.stringify({ scope: 'read', exp: 1_000 + 3600 })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    const launch = parseViewerLink(link(`${API}/link/${jwt}/ohifservermetadata`), config(), 1_000);
    expect(launch).toMatchObject({ scopes: ['read'], expiresIn: 3600 });
    expect(jwtHints('not-a-jwt', 0)).toEqual({});
  });
});

function fragment(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of [value].flat()) search.append(key, item);
  return `#${search.toString()}`;
}

const reportParams = {
  access_token: TOKEN,
  token_type: 'bearer',
  expires_in: '3600',
  scope: 'read write',
  client_id: 'ohif-report-provider',
  conf_uri: `${API}/.well-known/report-provider-configuration`,
  return_uri: 'https://kheops.example.org/albums/1',
  studyUID: [STUDY, '1.2.3'],
};

describe('parseReportProviderLaunch', () => {
  it('accepts KHEOPS\'s implicit-flow fragment', () => {
    const launch = parseReportProviderLaunch({ pathname: '/kheops/report', search: '', hash: fragment(reportParams) }, config());
    expect(launch).toMatchObject({
      kind: 'report-provider',
      accessToken: TOKEN,
      scopes: ['read', 'write'],
      expiresIn: 3600,
      studyUids: [STUDY, '1.2.3'],
      returnUri: 'https://kheops.example.org/albums/1',
      clientId: 'ohif-report-provider',
    });
  });

  it.each([
    ['conf_uri on an untrusted origin', { conf_uri: 'https://evil.example.org/api/.well-known/report-provider-configuration' }, 'untrusted_root'],
    ['conf_uri on a lookalike host', { conf_uri: 'https://kheops.example.org.evil.net/api/.well-known/report-provider-configuration' }, 'untrusted_root'],
    ['conf_uri elsewhere on the root', { conf_uri: `${API}/studies` }, 'invalid_link'],
    ['no token', { access_token: [] as string[] }, 'invalid_token'],
    ['a token type other than bearer', { token_type: 'mac' }, 'invalid_token'],
    ['no token type (RFC 6749 requires it)', { token_type: [] as string[] }, 'invalid_token'],
    ['a token of dashes only', { access_token: '-'.repeat(20) }, 'invalid_token'],
    ['a negative lifetime', { expires_in: '-5' }, 'invalid_token'],
    ['a huge lifetime', { expires_in: '99999999' }, 'invalid_token'],
    ['a lifetime in exponent notation', { expires_in: '1e3' }, 'invalid_token'],
    ['no lifetime and an opaque token', { expires_in: [] as string[] }, 'invalid_token'],
    ['two token types', { token_type: ['bearer', 'mac'] }, 'invalid_link'],
    ['two lifetimes', { expires_in: ['3600', '86400'] }, 'invalid_link'],
    ['two return addresses', { return_uri: ['https://kheops.example.org/', 'https://evil.example.org/'] }, 'invalid_link'],
    ['malformed study UIDs', { studyUID: ['1.2.x'] }, 'invalid_uid'],
    ['no study', { studyUID: [] as string[] }, 'invalid_uid'],
  ])('refuses %s', (_name, override, code) => {
    const result = parseReportProviderLaunch({ pathname: '/kheops/report', search: '', hash: fragment({ ...reportParams, ...override }) }, config());
    expect(result).toMatchObject({ kind: 'refusal', code });
    if (result.kind === 'refusal') expect(result.message).not.toContain(TOKEN);
  });

  it('takes the lifetime from the JWT when expires_in is missing', () => {
    const payload = btoa(JSON.stringify({ sub: 'alice', exp: 1_000 + 1800 })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    const { expires_in: _dropped, ...withoutLifetime } = reportParams;
    const launch = parseReportProviderLaunch({ pathname: '/kheops/report', search: '', hash: fragment({ ...withoutLifetime, access_token: jwt }) }, config(), 1_000);
    expect(launch).toMatchObject({ kind: 'report-provider', expiresIn: 1800, subject: 'alice' });
  });

  it('refuses when the issuer entry does not enable report providers', () => {
    expect(parseReportProviderLaunch({ pathname: '/kheops/report', search: '', hash: fragment(reportParams) }, config(['oidc', 'viewer-link']))).toMatchObject({
      kind: 'refusal',
      code: 'launch_not_enabled',
    });
  });

  it('refuses a token in the query instead of the fragment', () => {
    const location = { pathname: '/kheops/report', search: `?access_token=${TOKEN}`, hash: '' };
    expect(detectLegacyLaunch(location)).toBe('report-provider');
    expect(parseReportProviderLaunch(location, config())).toMatchObject({ kind: 'refusal', code: 'invalid_link' });
  });

  it('drops a return_uri that is not on the KHEOPS origin', () => {
    const issuer = config().issuers[0]!;
    expect(checkReturnUri('https://evil.example.org/phish', issuer)).toBeUndefined();
    expect(checkReturnUri('javascript:alert(1)', issuer)).toBeUndefined();
    expect(checkReturnUri('https://kheops.example.org.evil.net/', issuer)).toBeUndefined();
    expect(checkReturnUri('https://kheops.example.org/albums/1', issuer)).toBe('https://kheops.example.org/albums/1');
    const launch = parseReportProviderLaunch({ pathname: '/', search: '', hash: fragment({ ...reportParams, return_uri: 'https://evil.example.org/' }) }, config());
    expect(launch).toMatchObject({ kind: 'report-provider', returnUri: undefined });
  });
});

describe('report-provider configuration document', () => {
  const issuer = () => config().issuers[0]!;
  it('accepts a dicomweb_endpoint equal to the trusted root', () => {
    expect(checkReportProviderConfiguration({ dicomweb_endpoint: `${API}/` }, issuer())).toBeUndefined();
  });
  it.each([
    [{ dicomweb_endpoint: 'https://evil.example.org/api' }, 'untrusted_root'],
    [{ dicomweb_endpoint: `${API}/link` }, 'untrusted_root'],
    [{}, 'invalid_report_configuration'],
    [null, 'invalid_report_configuration'],
  ])('refuses %j', (document, code) => {
    expect(checkReportProviderConfiguration(document, issuer())).toMatchObject({ code });
  });
});

describe('helpers', () => {
  it('checks UIDs and token shapes', () => {
    expect(isUid(STUDY)).toBe(true);
    expect(isUid('1..2')).toBe(false);
    expect(isUid('')).toBe(false);
    expect(isTokenShaped(TOKEN)).toBe(true);
    expect(isTokenShaped(`${TOKEN}\n`)).toBe(false);
  });
  it('opens the mode route with the clicked series first, not as a filter', () => {
    expect(legacyLaunchTarget(config(), [STUDY], SERIES)).toBe(`/kheops?StudyInstanceUIDs=${STUDY}&initialSeriesInstanceUID=${SERIES}`);
  });
  it('detects nothing on an ordinary URL', () => {
    expect(detectLegacyLaunch({ pathname: '/kheops', search: `?StudyInstanceUIDs=${STUDY}`, hash: '' })).toBeUndefined();
  });
});
