import { ISSUER, VIEWER, testConfig } from '../__tests__/fixtures';
import { parseThirdPartyLogin } from './third-party-login';

function launch(query: Record<string, string | string[]>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return parseThirdPartyLogin(params, testConfig(), VIEWER);
}

const target = `${VIEWER}/kheops?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.4`;

describe('parseThirdPartyLogin', () => {
  it('accepts a trusted issuer and keeps the full target path and query', () => {
    const result = launch({ iss: ISSUER, login_hint: 'alice', target_link_uri: target, extra: 'ignored' });
    expect(result).toMatchObject({
      kind: 'oidc',
      loginHint: 'alice',
      target: '/kheops?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.4',
    });
    if (result.kind === 'oidc') expect(result.issuer.issuer).toBe(ISSUER);
  });

  it('uses the default target when none is given', () => {
    expect(launch({ iss: ISSUER })).toMatchObject({ kind: 'oidc', target: '/kheops', loginHint: undefined });
  });

  it.each([
    ['missing', {}, 'missing_issuer'],
    ['empty', { iss: '' }, 'missing_issuer'],
    ['unknown', { iss: 'https://evil.example/api' }, 'unknown_issuer'],
    ['trailing slash', { iss: `${ISSUER}/` }, 'unknown_issuer'],
    ['other case', { iss: ISSUER.toUpperCase() }, 'unknown_issuer'],
    ['prefix', { iss: 'https://kheops.example.org' }, 'unknown_issuer'],
    ['twice', { iss: [ISSUER, 'https://evil.example/api'] }, 'unknown_issuer'],
  ])('refuses an issuer that is %s', (_name, query, code) => {
    expect(launch(query as Record<string, string>)).toMatchObject({ kind: 'refusal', code });
  });

  it.each([
    ['another origin', 'https://evil.example/kheops', 'foreign_target'],
    ['another port', 'https://viewer.example.org:8443/kheops', 'foreign_target'],
    ['a lookalike host', 'https://viewer.example.org.evil.example/kheops', 'foreign_target'],
    ['userinfo', 'https://viewer.example.org@evil.example/kheops', 'foreign_target'],
    ['credentials on our host', 'https://user:pw@viewer.example.org/kheops', 'invalid_target'],
    ['javascript:', 'javascript:alert(1)', 'invalid_target'],
    ['data:', 'data:text/html,<script>alert(1)</script>', 'invalid_target'],
    ['protocol-relative', '//evil.example/kheops', 'invalid_target'],
    ['relative', '/kheops?StudyInstanceUIDs=1', 'invalid_target'],
    ['a backslash', 'https://viewer.example.org\\@evil.example/kheops', 'invalid_target'],
    ['a control character', 'https://viewer.example.org/kheops\n', 'invalid_target'],
    ['a path outside the mode', 'https://viewer.example.org/admin', 'target_outside_viewer'],
    ['a path that only starts like the mode', 'https://viewer.example.org/kheopsevil', 'target_outside_viewer'],
    ['dot segments', 'https://viewer.example.org/kheops/../admin', 'target_outside_viewer'],
    // The URL parser resolves encoded dot segments like plain ones.
    ['encoded dot segments', 'https://viewer.example.org/kheops/%2e%2e/admin', 'target_outside_viewer'],
    ['a double-encoded dot segment', 'https://viewer.example.org/kheops/%252e%252e/admin', 'invalid_target'],
    ['an encoded slash', 'https://viewer.example.org/kheops%2f..%2fadmin', 'invalid_target'],
    ['an overlong value', `${VIEWER}/kheops?x=${'a'.repeat(5000)}`, 'invalid_target'],
    // OHIF's mode route would take it as the bearer token of every request, in place of the session's.
    ["OHIF's token parameter", `${target}&token=eyJhbGciOiJub25lIn0.e30.`, 'invalid_target'],
    ["OHIF's token parameter in another case", `${target}&ToKeN=x`, 'invalid_target'],
    ["OHIF's token parameter percent-encoded", `${target}&%74oken=x`, 'invalid_target'],
  ])('refuses a target with %s', (_name, value, code) => {
    expect(launch({ iss: ISSUER, target_link_uri: value })).toMatchObject({ kind: 'refusal', code });
  });

  it('refuses two targets', () => {
    expect(launch({ iss: ISSUER, target_link_uri: [target, 'https://evil.example/'] })).toMatchObject({ kind: 'refusal', code: 'invalid_target' });
  });

  it('drops the fragment of the target', () => {
    expect(launch({ iss: ISSUER, target_link_uri: `${target}#access_token=x` })).toMatchObject({
      target: '/kheops?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.4',
    });
  });

  it('never echoes more than a bounded part of an unknown issuer', () => {
    const result = launch({ iss: `https://evil.example/${'x'.repeat(10_000)}` });
    expect(result.kind === 'refusal' && result.message.length < 400).toBe(true);
  });
});
