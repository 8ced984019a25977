import { configuredIssuer, launchIssuer, readRefusalAddress, refusalAddress } from './refusal-address';
import type { TrustedIssuer } from '../config/types';

const issuer: TrustedIssuer = { issuer: 'https://kheops.example.org/api', clientId: 'v', scope: 'openid', dicomWebRoot: 'https://kheops.example.org/api', displayName: 'KHEOPS', launches: ['oidc'], savePermission: 'server-decides' };

describe('the refusal address', () => {
  it('holds a code and a configured issuer, and reads back as such', () => {
    const address = refusalAddress('foreign_target', issuer);
    expect(address).toBe('/kheops/refused?code=foreign_target&issuer=https%3A%2F%2Fkheops.example.org%2Fapi');
    const read = readRefusalAddress(address.slice(address.indexOf('?')));
    expect(read).toEqual({ code: 'foreign_target', issuer: issuer.issuer });
    expect(configuredIssuer(read.issuer, [issuer])).toBe(issuer);
  });

  it('names no issuer the configuration does not list', () => {
    expect(configuredIssuer('https://evil.example/api', [issuer])).toBeUndefined();
    expect(launchIssuer('?iss=https%3A%2F%2Fkheops.example.org%2Fapi%2F', [issuer])).toBeUndefined();
    expect(launchIssuer('?iss=https%3A%2F%2Fkheops.example.org%2Fapi', [issuer])).toBe(issuer);
    expect(refusalAddress('unknown_issuer')).toBe('/kheops/refused?code=unknown_issuer');
  });
});
