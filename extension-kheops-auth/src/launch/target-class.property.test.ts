/**
 * Property tests of the three classes the target check had open (issue 12): a launch that lands at
 * the extension's own routes (a second, silent sign-in), a launch that lands outside the allowed
 * paths, and UID parameters that are not UIDs (sent on to the DICOMweb server). Also what becomes
 * of a `login_hint` that cannot be a user name, e-mail address or opaque id: dropped, never passed on.
 */
import fc from 'fast-check';
import { extensionRoutes, type KheopsAuthConfig } from '../config/types';
import { isUnderPath } from '../config/paths';
import { requireValidConfig, validateConfig } from '../config/validate';
import { isUidList, isUidParameter } from './dicom-uid';
import { usableLoginHint } from './login-hint';
import { validateTarget } from './target';
import { parseThirdPartyLogin } from './third-party-login';

const RUNS = { numRuns: 400, seed: 20261202 };
const VIEWER = 'https://viewer.example.org';
const ISSUER = 'https://kheops.example.org/api';

function configFor(allowedTargetPaths: string[]): KheopsAuthConfig {
  return requireValidConfig({ issuers: [{ issuer: ISSUER, clientId: 'ohif-viewer', dicomWebRoot: ISSUER }], allowedTargetPaths });
}

const PATH_SETS = [['/kheops'], ['/'], ['/kheops', '/reports']];

/** Upper-cases some letters: OHIF's router matches routes regardless of case. */
const recased = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map(flags => [...text].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join(''));

const uid = fc.array(fc.oneof(fc.constant('0'), fc.integer({ min: 1, max: 99_999 }).map(String)), { minLength: 2, maxLength: 8 }).map(parts => parts.join('.')).filter(value => value.length <= 64);
const uidList = fc.array(uid, { minLength: 1, maxLength: 3 }).map(uids => uids.join(','));
const notUid = fc
  .oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('<img src=x onerror=alert(1)>', '1.2.3 ', '1..2', '.1.2', '1.2.', '1.2.3a', '"1.2"', '1.2/3', `1.${'2'.repeat(70)}`, '1.2,', ',1.2', '1.2,<b>'))
  .filter(value => !isUidList(value));
const uidName = fc.constantFrom('StudyInstanceUIDs', 'studyInstanceUIDs', 'initialSeriesInstanceUID', 'SeriesInstanceUIDs', 'SeriesInstanceUID', 'initialSOPInstanceUID', 'SOPInstanceUID');

describe.each(PATH_SETS)('the target check with allowed paths %p', (...allowedPaths: string[]) => {
  const config = configFor(allowedPaths);
  const reserved = extensionRoutes(config.routes);

  it('refuses every one of the extension\'s own routes as a target, in any case, with anything after it', () => {
    const suffix = fc.constantFrom('', '/', '/x', `?iss=${encodeURIComponent(ISSUER)}&target_link_uri=${encodeURIComponent(`${VIEWER}/`)}`, '?code=c&state=s', '#fragment');
    fc.assert(
      fc.property(fc.constantFrom(...reserved).chain(recased), suffix, (route, rest) => {
        const result = validateTarget(`${VIEWER}${route}${rest}`, VIEWER, config.allowedTargetPaths, reserved);
        expect(result.ok).toBe(false);
        const launch = parseThirdPartyLogin(new URLSearchParams({ iss: ISSUER, target_link_uri: `${VIEWER}${route}${rest}` }), config, VIEWER);
        expect(launch.kind).toBe('refusal');
      }),
      RUNS,
    );
  });

  it('lands every accepted launch under an allowed path and at none of the extension\'s routes', () => {
    const segment = fc.constantFrom('kheops', 'KHEOPS', 'login', 'callback', 'popup-callback', 'refused', 'report', 'reports', 'viewer', 'x', '');
    const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map(parts => `/${parts.join('/')}`);
    fc.assert(
      fc.property(path, fc.option(uidList, { nil: undefined }), (pathname, studies) => {
        const params = new URLSearchParams({ iss: ISSUER });
        if (pathname !== '/' || studies) params.set('target_link_uri', `${VIEWER}${pathname}${studies ? `?StudyInstanceUIDs=${studies}` : ''}`);
        const launch = parseThirdPartyLogin(params, config, VIEWER);
        if (launch.kind === 'refusal') return;
        const landed = new URL(launch.target, VIEWER).pathname;
        expect(config.allowedTargetPaths.some(allowed => isUnderPath(landed, allowed))).toBe(true);
        expect(reserved.some(route => isUnderPath(landed.toLowerCase(), route.toLowerCase()))).toBe(false);
      }),
      RUNS,
    );
  });

  it('passes UID parameters on only when every value is a DICOM UID', () => {
    fc.assert(
      fc.property(uidName, fc.oneof(uidList, notUid), (name, value) => {
        const target = `${VIEWER}/kheops?${new URLSearchParams({ [name]: value }).toString()}`;
        const result = validateTarget(target, VIEWER, config.allowedTargetPaths, reserved);
        if (isUidList(value)) expect(result).toMatchObject({ ok: true });
        else expect(result).toMatchObject({ ok: false, refusal: { code: 'invalid_uid' } });
        if (result.ok) for (const [key, kept] of new URL(result.target, VIEWER).searchParams) if (isUidParameter(key)) expect(isUidList(kept)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('the default target of a configuration', () => {
  it('is accepted only under the allowed paths and at none of the extension\'s routes', () => {
    const path = fc.constantFrom('/', '/kheops', '/kheops/study', '/kheops/login', '/KHEOPS/Callback', '/kheops/refused', '/reports', '/other');
    fc.assert(
      fc.property(fc.constantFrom(...PATH_SETS), fc.option(path, { nil: undefined }), (allowedTargetPaths, defaultTarget) => {
        const result = validateConfig({ issuers: [{ issuer: ISSUER, clientId: 'c', dicomWebRoot: ISSUER }], allowedTargetPaths, ...(defaultTarget ? { defaultTarget } : {}) });
        if (!result.ok) {
          expect(result.problems.map(problem => problem.key)).toEqual(['kheopsAuth.defaultTarget']);
          return;
        }
        const { config } = result;
        expect(config.allowedTargetPaths.some(allowed => isUnderPath(config.defaultTarget, allowed))).toBe(true);
        expect(extensionRoutes(config.routes).some(route => isUnderPath(config.defaultTarget.toLowerCase(), route.toLowerCase()))).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('login_hint', () => {
  const config = configFor(['/kheops']);
  const hintOf = (hint: string) => {
    const launch = parseThirdPartyLogin(new URLSearchParams({ iss: ISSUER, login_hint: hint }), config, VIEWER);
    return launch.kind === 'oidc' ? launch.loginHint : 'refused';
  };

  it('passes on user names, e-mail addresses and opaque ids unchanged', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,30}$/);
    const email = fc.emailAddress().filter(address => usableLoginHint(address) === address);
    const jwt = fc.array(fc.base64String({ minLength: 4, maxLength: 40 }).map(part => part.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')), { minLength: 3, maxLength: 3 }).map(parts => `eyJ${parts.join('.')}`);
    fc.assert(
      fc.property(fc.oneof(name, email, jwt, fc.uuid(), fc.constantFrom('élodie.müller', 'o\'brien@example.org', 'user|42')), hint => {
        expect(hintOf(hint)).toBe(hint);
      }),
      RUNS,
    );
  });

  it('drops whatever cannot be one (markup, spaces, controls, quotes), never passing it on raw', () => {
    const unsafe = fc.constantFrom('<', '>', '"', '`', '\\', ' ', '\t', '\n', '\u0000', '\u007f', '(', ')', ';', ',', '[', ']', '?');
    const hostile = fc.tuple(fc.string({ maxLength: 10 }), unsafe, fc.string({ maxLength: 10 })).map(([a, b, c]) => `${a}${b}${c}`);
    fc.assert(
      fc.property(fc.oneof(hostile, fc.constantFrom('<script>alert(1)</script>', 'alice"onmouseover="x', 'Alice Martin', '')), hint => {
        expect(hintOf(hint)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('passes nothing but what the grammar allows, whatever is sent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), hint => {
        const kept = hintOf(hint);
        if (kept === undefined || kept === 'refused') return;
        expect(kept).toBe(hint);
        expect(usableLoginHint(kept)).toBe(kept);
        expect(kept).not.toMatch(/[\s<>"`\\()]/u);
      }),
      RUNS,
    );
  });
});
