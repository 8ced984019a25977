import { requireValidConfig } from '../config/validate';
import type { TrustedIssuer } from '../config/types';
import {
  checkUpgradedIdentity,
  decideUpgradeAttempt,
  isKheopsTabName,
  NOT_FROM_KHEOPS_TAB,
  readSilentAnswer,
  reportProviderEvidence,
  STAYS_STATIC,
  studyAccessUrl,
  studyAccessVerdict,
  upgradeRealm,
  viewerLinkEvidence,
} from './launch-upgrade';

const API = 'https://kheops.example.org/api';
const REALM = 'https://keycloak.example.org/realms/kheops';
const STUDY = '1.2.840.113619.2.1';

function setup(upgradeThrough: string | undefined, realmRoot = API) {
  const config = requireValidConfig({
    issuers: [
      { issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: realmRoot, scope: 'openid profile' },
      { issuer: `${API}/links`, clientId: 'ohif-viewer', dicomWebRoot: API, launches: ['viewer-link', 'report-provider'] },
    ],
  });
  const launchIssuer = { ...(config.issuers[1] as TrustedIssuer), upgradeThrough };
  return { config, launchIssuer };
}

describe('upgradeRealm', () => {
  it('is the trusted entry the launch issuer names, for the same DICOMweb root', () => {
    const { config, launchIssuer } = setup(REALM);
    expect(upgradeRealm(config, launchIssuer)?.issuer).toBe(REALM);
  });
  it('is none when the entry names no realm (upgrades are opt-in)', () => {
    const { config, launchIssuer } = setup(undefined);
    expect(upgradeRealm(config, launchIssuer)).toBeUndefined();
  });
  it('is none for a realm the viewer does not trust, or one whose tokens go to another server', () => {
    expect(upgradeRealm(setup('https://evil.example.org/realms/kheops').config, setup('https://evil.example.org/realms/kheops').launchIssuer)).toBeUndefined();
    const other = setup(REALM, 'https://other.example.org/api');
    expect(upgradeRealm(other.config, other.launchIssuer)).toBeUndefined();
  });
});

describe('identity evidence', () => {
  it('takes the tab names KHEOPS\'s UI opens the viewer in, for the launched study only', () => {
    expect(isKheopsTabName(`OHIFViewer-${STUDY}`, STUDY)).toBe(true);
    expect(isKheopsTabName(`OHIF-${STUDY}`, STUDY)).toBe(true);
    expect(isKheopsTabName('', STUDY)).toBe(false);
    expect(isKheopsTabName(`OHIFViewer-${STUDY}.9`, STUDY)).toBe(false);
    expect(isKheopsTabName(`OHIFViewer-1.2.3`, STUDY)).toBe(false);
    expect(isKheopsTabName(`ohifviewer-${STUDY}`, STUDY)).toBe(false);
  });
  it('a viewer link in an unnamed tab (a share link) has none, and says so', () => {
    expect(viewerLinkEvidence('', STUDY)).toEqual({ kind: 'none', reason: NOT_FROM_KHEOPS_TAB });
    expect(viewerLinkEvidence(`OHIFViewer-${STUDY}`, STUDY)).toEqual({ kind: 'kheops-tab' });
  });
  it('a report-provider launch has the introspected person, or none', () => {
    expect(reportProviderEvidence('alice')).toEqual({ kind: 'subject', subject: 'alice' });
    expect(reportProviderEvidence(undefined).kind).toBe('none');
  });
});

describe('decideUpgradeAttempt', () => {
  it('asks the realm for a single-study launch with evidence', () => {
    const { config, launchIssuer } = setup(REALM);
    const decision = decideUpgradeAttempt({ config, launchIssuer, studyUids: [STUDY], evidence: { kind: 'kheops-tab' } });
    expect(decision).toMatchObject({ attempt: true, through: { issuer: REALM } });
  });
  it('says nothing when upgrades are off', () => {
    const { config, launchIssuer } = setup(undefined);
    expect(decideUpgradeAttempt({ config, launchIssuer, studyUids: [STUDY], evidence: { kind: 'kheops-tab' } })).toEqual({ attempt: false, reason: undefined });
  });
  it('does not ask for a share link, and says why in one sentence', () => {
    const { config, launchIssuer } = setup(REALM);
    const decision = decideUpgradeAttempt({ config, launchIssuer, studyUids: [STUDY], evidence: viewerLinkEvidence('', STUDY) });
    expect(decision.attempt).toBe(false);
    if (!decision.attempt) {
      expect(decision.reason).toBe(NOT_FROM_KHEOPS_TAB);
      expect(decision.reason?.match(/\./g)?.length).toBe(1);
    }
  });
  it('does not ask for a launch of several studies', () => {
    const { config, launchIssuer } = setup(REALM);
    const decision = decideUpgradeAttempt({ config, launchIssuer, studyUids: [STUDY, `${STUDY}.2`], evidence: { kind: 'kheops-tab' } });
    expect(decision).toMatchObject({ attempt: false });
  });
});

describe('readSilentAnswer', () => {
  const answer = (query: string) => readSilentAnswer(new URLSearchParams(query), 'KHEOPS');
  it('a code is a code', () => {
    expect(answer('code=abc&state=s&iss=x')).toEqual({ kind: 'code' });
  });
  it.each([
    ['login_required', 'You are not signed in to KHEOPS in this browser'],
    ['interaction_required', 'wants you to confirm something'],
    ['consent_required', 'wants you to confirm something'],
    ['access_denied', 'did not sign you in silently (access_denied)'],
    ['temporarily_unavailable', 'did not sign you in silently (temporarily_unavailable)'],
  ])('%s keeps the static session with a plain sentence', (error, words) => {
    const result = answer(`error=${error}&error_description=${encodeURIComponent('<b>free text</b>')}&state=s`);
    expect(result).toMatchObject({ kind: 'declined', error });
    if (result.kind === 'declined') {
      expect(result.reason).toContain(words);
      expect(result.reason).toContain(STAYS_STATIC);
      expect(result.reason).not.toContain('free text');
    }
  });
  it('an unreadable error code is not echoed', () => {
    const result = answer(`error=${encodeURIComponent('<script>x</script>\n')}`);
    expect(result).toMatchObject({ kind: 'declined' });
    if (result.kind === 'declined') expect(result.reason).not.toContain('<script>');
  });
  it('neither code nor error is no sign-in', () => {
    expect(answer('state=s')).toMatchObject({ kind: 'declined', error: 'no_code' });
  });
});

describe('checkUpgradedIdentity', () => {
  it('a report launch for alice upgrades only to alice', () => {
    expect(checkUpgradedIdentity({ kind: 'subject', subject: 'alice' }, 'alice', 'Alice Martin')).toEqual({ ok: true });
    const other = checkUpgradedIdentity({ kind: 'subject', subject: 'alice' }, 'bob', 'Bob Keller');
    expect(other).toMatchObject({ ok: false });
    if (!other.ok) expect(other.reason).toContain('Bob Keller');
  });
  it('a viewer link from KHEOPS\'s tab takes the person signed in to KHEOPS in this browser', () => {
    expect(checkUpgradedIdentity({ kind: 'kheops-tab' }, 'bob', 'Bob Keller')).toEqual({ ok: true });
  });
  it('no evidence is never upgraded', () => {
    expect(checkUpgradedIdentity({ kind: 'none', reason: 'why' }, 'bob', 'Bob Keller')).toEqual({ ok: false, reason: 'why' });
  });
});

describe('study access', () => {
  const listed = [{ '0020000D': { vr: 'UI', Value: [STUDY] } }];
  it('asks the trusted root for exactly the launched study', () => {
    const url = new URL(studyAccessUrl(API, STUDY));
    expect(url.origin + url.pathname).toBe(`${API}/studies`);
    expect(url.searchParams.get('StudyInstanceUID')).toBe(STUDY);
  });
  it('the study listed is access', () => {
    expect(studyAccessVerdict(200, listed, STUDY, 'Alice')).toEqual({ ok: true });
  });
  it.each([
    [204, undefined],
    [200, []],
    [200, [{ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }]],
    [403, undefined],
    [404, undefined],
  ])('HTTP %s with %j is no access', (status, body) => {
    const verdict = studyAccessVerdict(status, body, STUDY, 'Alice');
    expect(verdict).toMatchObject({ ok: false });
    if (!verdict.ok) expect(verdict.reason).toContain('cannot open this study');
  });
  it('401, 5xx and unreadable answers keep the static session too, with their own sentence', () => {
    for (const [status, body] of [
      [401, undefined],
      [500, undefined],
      [200, { not: 'a list' }],
    ] as const) {
      const verdict = studyAccessVerdict(status, body, STUDY, 'Alice');
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toContain(STAYS_STATIC);
    }
  });
});
