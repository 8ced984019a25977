import { DEFAULT_SCOPE } from './types';
import { formatProblems, requireValidConfig, validateConfig } from './validate';
import { checkDataSources, isUnderRoot } from './data-sources';

const issuer = { issuer: 'https://kheops.example.org/api', clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api/' };

describe('validateConfig', () => {
  it('fills in defaults for a minimal configuration', () => {
    const result = validateConfig({ issuers: [issuer] });
    expect(result).toEqual({
      ok: true,
      config: {
        issuers: [{ ...issuer, dicomWebRoot: 'https://kheops.example.org/api', scope: DEFAULT_SCOPE, displayName: 'KHEOPS', launches: ['oidc'], savePermission: 'server-decides' }],
        routes: { login: '/kheops/login', callback: '/kheops/callback', popupCallback: '/kheops/popup-callback' },
        allowedTargetPaths: ['/kheops'],
        defaultTarget: '/kheops',
      },
    });
  });

  it('names the missing section', () => {
    const result = validateConfig(undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.key).toBe('kheopsAuth');
  });

  it('reports every wrong key at once, each by its full path', () => {
    const result = validateConfig({
      issuers: [{ issuer: 'http://kheops.example.org/api', dicomWebRoot: 'not a url', scope: 'read' }],
      routes: { login: 'kheops/login' },
      allowedTargetPaths: [],
      colour: 'blue',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(problem => problem.key).sort()).toEqual([
      'kheopsAuth.allowedTargetPaths',
      'kheopsAuth.colour',
      'kheopsAuth.issuers[0].clientId',
      'kheopsAuth.issuers[0].dicomWebRoot',
      'kheopsAuth.issuers[0].issuer',
      'kheopsAuth.issuers[0].scope',
      'kheopsAuth.routes.login',
    ]);
    expect(formatProblems(result.problems)).toContain('kheopsAuth.issuers[0].issuer "http://kheops.example.org/api" must use https');
  });

  it('accepts http only for loopback hosts', () => {
    expect(validateConfig({ issuers: [{ ...issuer, issuer: 'http://127.0.0.1:8080/api', dicomWebRoot: 'http://localhost:8080/api' }] }).ok).toBe(true);
    expect(validateConfig({ issuers: [{ ...issuer, issuer: 'http://10.0.0.1/api' }] }).ok).toBe(false);
  });

  it('refuses credentials, queries and duplicate issuers', () => {
    const result = validateConfig({ issuers: [{ ...issuer, dicomWebRoot: 'https://u:p@kheops.example.org/api' }, issuer, issuer] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(problem => problem.key)).toEqual(['kheopsAuth.issuers[0].dicomWebRoot', 'kheopsAuth.issuers[2].issuer']);
  });

  it('throws a coded error from requireValidConfig', () => {
    expect(() => requireValidConfig({})).toThrow(expect.objectContaining({ code: 'configuration_invalid' }));
  });
});

describe('checkDataSources', () => {
  const trusted = requireValidConfig({ issuers: [issuer] }).issuers;
  const dicomweb = (qidoRoot: string) => ({
    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
    sourceName: 'x',
    configuration: { qidoRoot, wadoRoot: qidoRoot },
  });

  it('accepts data sources under a trusted DICOMweb root', () => {
    expect(checkDataSources([dicomweb('https://kheops.example.org/api')], trusted)).toEqual([]);
  });

  it('refuses a data source elsewhere, since the token would be sent there', () => {
    const problems = checkDataSources([dicomweb('https://other.example.org/dicomweb')], trusted);
    expect(problems.map(problem => problem.key)).toEqual(['dataSources[0].configuration.qidoRoot', 'dataSources[0].configuration.wadoRoot']);
  });

  it('ignores data sources that are not DICOMweb', () => {
    expect(checkDataSources([{ namespace: '@ohif/extension-default.dataSourcesModule.dicomlocal' }], trusted)).toEqual([]);
  });

  it('compares paths by segment, not by string prefix', () => {
    expect(isUnderRoot('https://kheops.example.org/api/studies', 'https://kheops.example.org/api')).toBe(true);
    expect(isUnderRoot('https://kheops.example.org/api2', 'https://kheops.example.org/api')).toBe(false);
    expect(isUnderRoot('https://kheops.example.org.evil.test/api', 'https://kheops.example.org/api')).toBe(false);
  });
});

describe('issuers[i].launches', () => {
  it('accepts the legacy launch kinds when listed', () => {
    const result = validateConfig({ issuers: [{ ...issuer, launches: ['viewer-link', 'report-provider'] }] });
    expect(result.ok && result.config.issuers[0]?.launches).toEqual(['viewer-link', 'report-provider']);
  });
  it.each([[[]], [['oidc', 'oidc']], [['token-in-url']], ['oidc']])('refuses %j', launches => {
    const result = validateConfig({ issuers: [{ ...issuer, launches }] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatProblems(result.problems)).toContain(
        'kheopsAuth.issuers[0].launches must be a non-empty list without repeats of "oidc", "viewer-link", "report-provider"',
      );
    }
  });
});
