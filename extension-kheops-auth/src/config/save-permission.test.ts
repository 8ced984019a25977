import { validateConfig } from './validate';

const entry = { issuer: 'https://keycloak.example.org/realms/kheops', clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api', scope: 'openid profile read write' };

describe('issuers[i].savePermission (who may save)', () => {
  it('is "server-decides" unless set: Keycloak-backed KHEOPS grants no write scope and decides per album', () => {
    const result = validateConfig({ issuers: [entry] });
    expect(result.ok && result.config.issuers[0]?.savePermission).toBe('server-decides');
  });

  it.each([['server-decides' as const], [{ scope: 'write' }]])('keeps %p as given', value => {
    const result = validateConfig({ issuers: [{ ...entry, savePermission: value }] });
    expect(result.ok && result.config.issuers[0]?.savePermission).toEqual(value);
  });

  it.each([
    ['write', 'issuers[0].savePermission', 'must be "server-decides" or { scope: "write" }, got "write"'],
    [null, 'issuers[0].savePermission', 'must be "server-decides" or { scope: "write" }, got null'],
    [['write'], 'issuers[0].savePermission', 'must be "server-decides" or { scope: "write" }, got ["write"]'],
    [{ scope: 'write', role: 'x' }, 'issuers[0].savePermission', 'has unknown keys "role"; it must be "server-decides" or { scope: "write" }'],
    [{}, 'issuers[0].savePermission.scope', 'must be one scope name, such as "write" (no spaces or quotes)'],
    [{ scope: 'read write' }, 'issuers[0].savePermission.scope', 'must be one scope name, such as "write" (no spaces or quotes)'],
  ])('names the key of a wrong value (%p)', (value, key, message) => {
    const result = validateConfig({ issuers: [{ ...entry, savePermission: value }] });
    expect(result).toEqual({ ok: false, problems: [{ key: `kheopsAuth.${key}`, message }] });
  });

  it('refuses a scope the viewer never asks for: nobody could ever save', () => {
    const result = validateConfig({ issuers: [{ ...entry, scope: 'openid profile', savePermission: { scope: 'write' } }] });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          key: 'kheopsAuth.issuers[0].savePermission.scope',
          message: '"write" is not among the scopes asked for ("openid profile"), so it is never granted and nobody could save; add it to scope or use "server-decides"',
        },
      ],
    });
  });
});
