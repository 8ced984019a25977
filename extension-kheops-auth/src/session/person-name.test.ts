import { personName, personNameOr, signInHintOf } from './person-name';

describe('what to call the signed-in person', () => {
  it('prefers the name, then given and family names, the user name, the nickname, the e-mail address', () => {
    expect(personName({ name: 'Alice Martin', preferred_username: 'alice', email: 'alice@kheops.test' })).toBe('Alice Martin');
    expect(personName({ given_name: 'Alice', family_name: 'Martin', preferred_username: 'alice' })).toBe('Alice Martin');
    expect(personName({ preferred_username: 'alice', email: 'alice@kheops.test' })).toBe('alice');
    expect(personName({ nickname: 'Al', email: 'alice@kheops.test' })).toBe('Al');
    // Glewlwyd with the email scope only: no name, no user name.
    expect(personName({ email: 'alice@kheops.test' })).toBe('alice@kheops.test');
  });

  it('never shows the opaque sub: without any name claim it says whom the provider signed in', () => {
    const glewlwydSub = { sub: 'ZrjtVeLQik4OM0fvFtdIhxYSkeA7LXZV' } as Record<string, unknown>;
    expect(personName(glewlwydSub)).toBeUndefined();
    expect(personNameOr(glewlwydSub, 'Glewlwyd')).toBe('the person signed in with Glewlwyd');
    expect(personName({ name: '  ', email: 42 })).toBeUndefined();
  });

  it('gives a sign-in hint only from a user name, never an e-mail address or sub', () => {
    expect(signInHintOf({ preferred_username: 'alice', email: 'alice@kheops.test' })).toBe('alice');
    expect(signInHintOf({ name: 'Alice Martin', email: 'alice@kheops.test' })).toBeUndefined();
  });
});
