import { validateConfig } from './validate';

const entry = { issuer: 'https://glewlwyd.example.org/api/oidc', clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api' };

describe('issuers[i].postLogoutRedirectUri (RP-initiated logout)', () => {
  it('is off unless set, and kept as given when set', () => {
    const off = validateConfig({ issuers: [entry] });
    expect(off.ok && off.config.issuers[0]?.postLogoutRedirectUri).toBeUndefined();
    const on = validateConfig({ issuers: [{ ...entry, postLogoutRedirectUri: 'https://viewer.example.org/kheops/signed-out' }] });
    expect(on.ok && on.config.issuers[0]?.postLogoutRedirectUri).toBe('https://viewer.example.org/kheops/signed-out');
  });

  it.each([
    ['', 'is required and must be an absolute URL'],
    [42, 'is required and must be an absolute URL'],
    ['/kheops/signed-out', '"/kheops/signed-out" is not an absolute URL'],
    ['http://viewer.example.org/', '"http://viewer.example.org/" must use https (http is accepted only for localhost)'],
  ])('names the key of a wrong value (%p)', (value, message) => {
    const result = validateConfig({ issuers: [{ ...entry, postLogoutRedirectUri: value }] });
    expect(result).toEqual({ ok: false, problems: [{ key: expect.stringMatching(/issuers\[0\]\.postLogoutRedirectUri$/), message }] });
  });
});
