/**
 * Property-based tests of the launch parsers: for generated hostile input, nothing outside the
 * trusted set is ever accepted. Example tests (third-party-login.test.ts) pin known attacks; these
 * search the space around them (mutated origins, encodings, unicode, control characters, backslashes,
 * overlong values) for the ones nobody thought of.
 *
 * Fixed seeds keep a failure reproducible from CI logs; numRuns is bounded so the file stays fast.
 */
import fc from 'fast-check';
import { requireValidConfig } from '../config/validate';
import type { KheopsAuthConfig } from '../config/types';
import { isUidList, isUidParameter } from './dicom-uid';
import { MAX_TARGET_LENGTH, validateTarget } from './target';
import { parseThirdPartyLogin } from './third-party-login';

const RUNS = { numRuns: 1500, seed: 20261129 };

interface Viewer {
  origin: string;
  host: string;
  scheme: 'http' | 'https';
  port: string;
}

const VIEWERS: Viewer[] = [
  { origin: 'https://viewer.example.org', host: 'viewer.example.org', scheme: 'https', port: '' },
  { origin: 'http://localhost:3700', host: 'localhost', scheme: 'http', port: '3700' },
];

// "/" is a legal (if unwise) deployer choice and the one where a path-level check matters most.
const PATH_SETS: string[][] = [['/kheops'], ['/kheops', '/reports'], ['/']];

const ISSUERS = ['https://kheops.example.org/api', 'https://auth.example.org/realms/kheops', 'http://127.0.0.1:8780/api'];

function configFor(allowedTargetPaths: string[]): KheopsAuthConfig {
  return requireValidConfig({
    issuers: ISSUERS.map((issuer, index) => ({ issuer, clientId: `client-${index}`, dicomWebRoot: new URL(issuer).origin + '/api' })),
    allowedTargetPaths,
  });
}

function isUnder(pathname: string, allowed: string): boolean {
  return allowed === '/' || pathname === allowed || pathname.startsWith(`${allowed}/`);
}

/** What "accepted" must mean for a target, whatever input produced it. */
function expectSafeTarget(target: string, viewer: Viewer, allowedPaths: string[]): void {
  expect(target.startsWith('/')).toBe(true);
  const resolved = new URL(target, viewer.origin);
  expect(resolved.origin).toBe(viewer.origin);
  expect(resolved.username + resolved.password).toBe('');
  expect(allowedPaths.some(allowed => isUnder(resolved.pathname, allowed))).toBe(true);
  // OHIF's mode route would replace the session's bearer token with this parameter's value.
  expect([...resolved.searchParams.keys()].map(key => key.toLowerCase())).not.toContain('token');
  // OHIF sends these to the DICOMweb server: nothing but UIDs.
  for (const [name, value] of resolved.searchParams) if (isUidParameter(name)) expect(isUidList(value)).toBe(true);
  // Round trip: the same target is accepted again when it comes back as an absolute URL.
  const again = validateTarget(`${viewer.origin}${target}`, viewer.origin, allowedPaths);
  expect(again).toEqual({ ok: true, target });
}

// --- generators -------------------------------------------------------------------------------

/** Characters that parsers and browsers treat specially, so that random strings hit them often. */
const nastyChar = fc.constantFrom(
  '\\', '/', '%', '@', ':', '#', '?', '.', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u00a0', '\u2028',
  '\u3002', '\uff0e', '\uff0f', '\u2215', '\ufe68', '\u0435', '\u200b', '\ufeff', '&', '=', '+', '[', ']', "'", '"', '<',
);

const noisyString = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) }, { weight: 2, arbitrary: nastyChar }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) }), { maxLength: 12 })
  .map(parts => parts.join(''));

/** Percent-encodes some characters of a string, once or twice, upper or lower case. */
function encodeSome(value: string, picks: boolean[], twice: boolean, lower: boolean): string {
  let out = '';
  [...value].forEach((char, index) => {
    if (picks[index % Math.max(1, picks.length)]) {
      let encoded = [...new TextEncoder().encode(char)].map(byte => `%${byte.toString(16).padStart(2, '0')}`).join('');
      if (!lower) encoded = encoded.toUpperCase();
      if (twice) encoded = encoded.replace(/%/g, '%25');
      out += encoded;
    } else {
      out += char;
    }
  });
  return out;
}

/** One part of a URL: usually the viewer's own, sometimes mutated, so that most URLs differ from a valid one in a part or two. */
function part(canonical: string, mutations: fc.Arbitrary<string>, mutateOneIn = 5): fc.Arbitrary<string> {
  return fc.oneof({ weight: mutateOneIn - 1, arbitrary: fc.constant(canonical) }, { weight: 1, arbitrary: mutations });
}

const schemePart = (viewer: Viewer) =>
  part(
    `${viewer.scheme}://`,
    fc.constantFrom(
      `${viewer.scheme.toUpperCase()}://`, `${viewer.scheme === 'http' ? 'https' : 'http'}://`,
      `${viewer.scheme}:/`, `${viewer.scheme}:`, `${viewer.scheme}:\\\\`, `${viewer.scheme}:/\\`, '//', '///', '\\\\', '/\\', '',
      'javascript:', 'JaVaScRiPt:', 'data:', 'vbscript:', 'blob:', 'file://', 'ftp://', 'ws://', ' javascript:', 'java\tscript:',
      `blob:${viewer.scheme}://`,
    ),
  );

const userinfoPart = (viewer: Viewer) =>
  part('', fc.constantFrom('user@', 'user:pw@', ':@', '@', `${viewer.host}@`, `${viewer.host}:${viewer.port || '443'}@`, 'evil.example@', '%40@'));

const hostPart = (viewer: Viewer) =>
  part(
    viewer.host,
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          viewer.host.toUpperCase(), `${viewer.host}.`, `${viewer.host}.evil.example`, `evil.${viewer.host}`, `${viewer.host}evil`,
          'evil.example', viewer.host.replace('e', '\u0435'), viewer.host.replace('.', '\u3002'), viewer.host.replace('o', '0'),
          `${viewer.host}\\@evil.example`, `${viewer.host}%2f@evil.example`, `${viewer.host}%00`, `${viewer.host}%2eevil.example`,
          `%${viewer.host.charCodeAt(0).toString(16)}${viewer.host.slice(1)}`,
          '127.0.0.1', '[::1]', '0x7f.1', '2130706433', 'localhost', 'viewer.example.org', '',
        ),
      },
      { weight: 1, arbitrary: noisyString },
    ),
  );

const portPart = (viewer: Viewer) =>
  part(
    viewer.port ? `:${viewer.port}` : '',
    fc.constantFrom(viewer.port ? '' : ':443', ':80', ':443', ':8443', ':0', ':', `:0${viewer.port || '443'}`, ':65536', ':3700.', ':3700@evil.example'),
  );

const segment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('kheops', 'kheopsX', 'KHEOPS', 'reports', 'admin', 'login', 'callback', '', 'viewer') },
  { weight: 3, arbitrary: fc.constantFrom('.', '..', '%2e', '%2e%2e', '.%2e', '%2E%2E', '%252e%252e', '%2f', '%5c', '%25', '..\\', '\uff0e\uff0e', '%c0%ae') },
  { weight: 2, arbitrary: noisyString },
);

/** Usually under /kheops (the interesting side of the check), sometimes anywhere. */
const pathPart = fc
  .tuple(fc.constantFrom('/kheops', '/kheops', '/kheops', '/reports', ''), fc.array(segment, { maxLength: 4 }))
  .map(([start, segments]) => `${start}${segments.map(s => `/${s}`).join('')}`);

const queryPart = fc.oneof(
  fc.constant(''),
  fc.constant('?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.4'),
  fc.constant('?next=//evil.example'),
  noisyString.map(value => `?${value}`),
);

const fragmentPart = fc.constantFrom('', '', '#', '#access_token=x', '#//evil.example', '#\\');

/** An absolute URL built around the viewer's own origin, with a few parts mutated. */
const mutatedOwnUrl = (viewer: Viewer) =>
  fc
    .tuple(schemePart(viewer), userinfoPart(viewer), hostPart(viewer), portPart(viewer), pathPart, queryPart, fragmentPart)
    .map(parts => parts.join(''));

/** A string transformed the ways attackers transform them: encodings, inserted characters, padding. */
function hostile(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: base },
    {
      weight: 2,
      arbitrary: fc
        .tuple(base, fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }), fc.boolean(), fc.boolean())
        .map(([value, picks, twice, lower]) => encodeSome(value, picks, twice, lower)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(base, fc.nat(), nastyChar).map(([value, at, char]) => {
        const index = value.length ? at % (value.length + 1) : 0;
        return value.slice(0, index) + char + value.slice(index);
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(base, fc.integer({ min: MAX_TARGET_LENGTH - 64, max: MAX_TARGET_LENGTH + 64 }), fc.constantFrom('a', '\u00e9', '\u{1F600}', '%41', ' '))
        .map(([value, length, filler]) => value + filler.repeat(Math.ceil(Math.max(0, length - value.length) / filler.length))),
    },
  );
}

const targetFor = (viewer: Viewer) =>
  hostile(
    fc.oneof(
      { weight: 6, arbitrary: mutatedOwnUrl(viewer) },
      { weight: 2, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      { weight: 1, arbitrary: pathPart.map(path => path || '/') },
    ),
  );

const issuerCandidate = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ISSUERS) },
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom(...ISSUERS), fc.nat(), nastyChar).chain(([issuer, at]) =>
      fc.constantFrom(
        `${issuer}/`, issuer.toUpperCase(), issuer.slice(0, -1), `${issuer}x`, `${issuer}.evil.example`, ` ${issuer}`, `${issuer} `,
        `${issuer}\n`, issuer.replace('e', '\u0435'), issuer.replace('https', 'http'), issuer.replace('//', '//user@'),
        encodeURIComponent(issuer), issuer.replace(/\//g, '\\'), issuer.slice(0, at % issuer.length), `${issuer}#`, `${issuer}?`,
        issuer.normalize('NFKD'), `${issuer}\u200b`,
      ),
    ),
  },
  { weight: 2, arbitrary: fc.webUrl() },
  { weight: 1, arbitrary: noisyString },
);

const paramKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('iss', 'target_link_uri', 'login_hint') },
  { weight: 2, arbitrary: fc.constantFrom('ISS', 'iss ', 'iss[]', 'target_link_uri ', 'Target_Link_Uri', 'client_id', 'redirect_uri', 'state') },
  { weight: 1, arbitrary: noisyString },
);

/** A launch query: a list of (key, value) pairs, so that repeated, missing and odd keys all occur. */
const launchParams = (viewer: Viewer) =>
  fc
    .tuple(
      issuerCandidate,
      fc.option(targetFor(viewer), { nil: undefined }),
      fc.option(fc.oneof(fc.constantFrom('alice', ''), noisyString), { nil: undefined }),
      fc.array(fc.tuple(paramKey, fc.oneof(issuerCandidate, targetFor(viewer), noisyString)), { maxLength: 3 }),
      fc.boolean(),
    )
    .map(([iss, target, hint, extra, dropIss]) => {
      const pairs: Array<[string, string]> = [];
      if (!dropIss) pairs.push(['iss', iss]);
      if (target !== undefined) pairs.push(['target_link_uri', target]);
      if (hint !== undefined) pairs.push(['login_hint', hint]);
      pairs.push(...extra);
      return pairs;
    });

/**
 * The parameters as the login route would see them: built from pairs, or parsed back from a query
 * string that was properly encoded or written raw (where "&", "=", "+" and "%" in values change the
 * parse, as they would in a hand-crafted link).
 */
function toParams(pairs: Array<[string, string]>, encoding: 'pairs' | 'encoded' | 'raw'): URLSearchParams {
  if (encoding === 'pairs') return new URLSearchParams(pairs);
  if (encoding === 'encoded') return new URLSearchParams(new URLSearchParams(pairs).toString());
  return new URLSearchParams(`?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`);
}

// --- properties -------------------------------------------------------------------------------

describe.each(VIEWERS)('launch parsers for a viewer at $origin', viewer => {
  describe.each(PATH_SETS)('with allowed target paths %p', (...allowedPaths: string[]) => {
    const config = configFor(allowedPaths);

    it('accept a target only on the viewer origin, under an allowed path, and round-trip it', () => {
      let accepted = 0;
      fc.assert(
        fc.property(targetFor(viewer), raw => {
          const result = validateTarget(raw, viewer.origin, allowedPaths);
          if (result.ok) {
            accepted += 1;
            expectSafeTarget(result.target, viewer, allowedPaths);
          } else {
            expect(['invalid_target', 'invalid_uid', 'foreign_target', 'target_outside_viewer']).toContain(result.refusal.code);
          }
        }),
        RUNS,
      );
      // The generator must also reach the accepting side, or the property says nothing.
      expect(accepted).toBeGreaterThan(20);
    });

    it('accept a launch only from a trusted issuer, with a safe target', () => {
      let accepted = 0;
      fc.assert(
        fc.property(launchParams(viewer), fc.constantFrom('pairs', 'encoded', 'raw'), (pairs, encoding) => {
          // Half the time through the URL parser itself, as the login route gets them from location.search.
          const params = toParams(pairs, encoding);
          const result = parseThirdPartyLogin(params, config, viewer.origin);
          if (result.kind === 'refusal') {
            // A refusal message is shown on screen; it stays bounded whatever was sent.
            expect(result.message.length).toBeLessThan(MAX_TARGET_LENGTH + 400);
            return;
          }
          accepted += 1;
          const issValues = params.getAll('iss');
          expect(issValues).toHaveLength(1);
          expect(ISSUERS).toContain(result.issuer.issuer);
          expect(result.issuer.issuer).toBe(issValues[0]);
          expect(config.issuers).toContain(result.issuer);
          if (params.getAll('target_link_uri').every(value => value === '')) {
            // No target: the deployer's own defaultTarget, not anything from the request.
            expect(result.target).toBe(config.defaultTarget);
          } else {
            expectSafeTarget(result.target, viewer, allowedPaths);
          }
        }),
        RUNS,
      );
      expect(accepted).toBeGreaterThan(20);
    });
  });
});

describe('validateTarget examples found by the properties', () => {
  const viewer = VIEWERS[0] as Viewer;

  // With "/" allowed, a path starting with "//" was accepted as the target "//evil.example/...",
  // which a browser resolves as a protocol-relative URL to another origin.
  it.each([
    `${viewer.origin}//evil.example/kheops`,
    `${viewer.origin}//evil.example`,
    `${viewer.origin}///evil.example`,
    `${viewer.origin}/.//evil.example`,
  ])('refuses %s when "/" is allowed', raw => {
    expect(validateTarget(raw, viewer.origin, ['/'])).toMatchObject({ ok: false, refusal: { code: 'invalid_target' } });
  });

  // A raw value under the limit could serialize to a target over it (unicode is percent-encoded three
  // bytes to a character), which the viewer would then refuse when it comes back: accepted targets must
  // be re-acceptable.
  it('refuses a target whose serialized form is longer than the limit', () => {
    const raw = `${viewer.origin}/kheops?x=${'\u00e9'.repeat(MAX_TARGET_LENGTH - 100)}`;
    expect(raw.length).toBeLessThanOrEqual(MAX_TARGET_LENGTH);
    expect(validateTarget(raw, viewer.origin, ['/kheops'])).toMatchObject({ ok: false, refusal: { code: 'invalid_target' } });
  });
});
