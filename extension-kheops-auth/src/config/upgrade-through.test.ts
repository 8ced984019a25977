import { validateConfig } from './validate';

const REALM = 'https://keycloak.example.org/realms/kheops';
const API = 'https://kheops.example.org/api';
const released = { issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: API, launches: ['viewer-link', 'report-provider'] };

function problems(input: unknown): string[] {
  const result = validateConfig(input);
  return result.ok ? [] : result.problems.map(problem => `${problem.key} ${problem.message}`);
}

describe('kheopsAuth.issuers[].upgradeThrough', () => {
  it('may name the entry\'s own issuer, the common case', () => {
    const result = validateConfig({ issuers: [{ ...released, upgradeThrough: REALM }] });
    expect(result.ok && result.config.issuers[0]?.upgradeThrough).toBe(REALM);
  });
  it('may name another entry with the same DICOMweb root', () => {
    expect(problems({ issuers: [{ ...released, issuer: `${API}/links`, upgradeThrough: REALM }, { issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: API }] })).toEqual([]);
  });
  it('is off when absent', () => {
    const result = validateConfig({ issuers: [released] });
    expect(result.ok && result.config.issuers[0]?.upgradeThrough).toBeUndefined();
  });
  it('must name a trusted realm', () => {
    expect(problems({ issuers: [{ ...released, upgradeThrough: 'https://other.example.org/realms/x' }] })).toEqual([
      'kheopsAuth.issuers[0].upgradeThrough "https://other.example.org/realms/x" is not the issuer of any entry in issuers; list the realm there (with its clientId) first',
    ]);
  });
  it('must name a realm for the same DICOMweb root', () => {
    const [problem] = problems({ issuers: [{ ...released, issuer: `${API}/links`, upgradeThrough: REALM }, { issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: 'https://other.example.org/api' }] });
    expect(problem).toContain('kheopsAuth.issuers[0].upgradeThrough names a realm whose dicomWebRoot');
  });
  it('only applies to released launches', () => {
    expect(problems({ issuers: [{ issuer: REALM, clientId: 'ohif-viewer', dicomWebRoot: API, upgradeThrough: REALM }] })).toEqual([
      'kheopsAuth.issuers[0].upgradeThrough only applies to an issuer whose launches include "viewer-link" or "report-provider"',
    ]);
  });
  it('must be an https URL', () => {
    expect(problems({ issuers: [{ ...released, upgradeThrough: 'http://keycloak.example.org/realms/kheops' }] })[0]).toContain('kheopsAuth.issuers[0].upgradeThrough');
  });
});
