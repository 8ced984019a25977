import { requireValidConfig } from '../config/validate';
import { introspectionEndpoint, readIntrospection } from './report-introspection';

const API = 'https://kheops.example.org/api';
const issuer = requireValidConfig({ issuers: [{ issuer: API, clientId: 'ohif-viewer', dicomWebRoot: API, launches: ['report-provider'] }] }).issuers[0]!;

describe('introspectionEndpoint', () => {
  it('is KHEOPS\'s, under the trusted root', () => {
    expect(introspectionEndpoint({ introspection_endpoint: `${API}/token/introspect` }, issuer)).toBe(`${API}/token/introspect`);
  });
  it('is never elsewhere: the token would go there', () => {
    for (const endpoint of ['https://evil.example.org/api/token/introspect', 'https://kheops.example.org/api-evil/introspect', 'http://kheops.example.org/api/token/introspect', 42]) {
      expect(introspectionEndpoint({ introspection_endpoint: endpoint }, issuer)).toBeUndefined();
    }
    expect(introspectionEndpoint(null, issuer)).toBeUndefined();
  });
});

describe('readIntrospection', () => {
  const now = 1_000_000;
  it('takes an active token\'s end and person', () => {
    expect(readIntrospection({ active: true, exp: now + 3000, sub: 'alice', scope: 'read write' }, now)).toEqual({ expiresAt: now + 3000, subject: 'alice' });
  });
  it('ignores an inactive answer, and values that make no sense', () => {
    expect(readIntrospection({ active: false, exp: now + 3000 }, now)).toBeUndefined();
    expect(readIntrospection({ active: 'true' }, now)).toBeUndefined();
    expect(readIntrospection({ active: true, exp: now - 1, sub: '' }, now)).toEqual({});
    expect(readIntrospection({ active: true, exp: now + 10 * 24 * 3600, sub: 7 }, now)).toEqual({});
  });
});
