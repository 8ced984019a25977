import { testConfig } from '../__tests__/fixtures';
import type { TabUser } from '../session/tab-user';
import { describeQuestion, describeUnchanged, isOpaqueLoginHint, launchConflict } from './launch-conflict';

const issuer = testConfig().issuers[0]!;
const alice: TabUser = { issuer: issuer.issuer, identifiers: ['f3a1-sub', 'alice', 'Alice.Martin@example.org'], displayName: 'Alice Martin' };
const launchAs = (loginHint: string | undefined) => ({ issuer, loginHint });

describe('launchConflict', () => {
  it('asks when the launch names someone else than the signed-in person', () => {
    expect(launchConflict(alice, launchAs('bob'))).toEqual({ kind: 'different-user', signedInAs: 'Alice Martin', requestedAs: 'bob', issuerName: issuer.displayName });
  });

  it.each([
    ['the same user name', 'alice'],
    ['the user name in another case', 'ALICE'],
    ['the same subject', 'f3a1-sub'],
    ['the same e-mail address in another case', 'alice.martin@example.org'],
    ['the same name with spaces around it', '  alice '],
  ])('does not ask for %s', (_name, hint) => {
    expect(launchConflict(alice, launchAs(hint))).toBeUndefined();
  });

  it('does not ask when no one is signed in, or the launch names no one', () => {
    expect(launchConflict(undefined, launchAs('bob'))).toBeUndefined();
    expect(launchConflict(alice, launchAs(undefined))).toBeUndefined();
    expect(launchConflict(alice, launchAs('   '))).toBeUndefined();
    expect(launchConflict({ ...alice, identifiers: [] }, launchAs('bob'))).toBeUndefined();
  });

  it('does not ask for an opaque (JWT) login_hint, which cannot be compared', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl';
    expect(isOpaqueLoginHint(jwt)).toBe(true);
    expect(isOpaqueLoginHint('bob.smith.jr')).toBe(false);
    expect(launchConflict(alice, launchAs(jwt))).toBeUndefined();
  });

  it('shortens a long hint in the question, and keeps hostile text as text', () => {
    const question = launchConflict(alice, launchAs(`<img src=x onerror=alert(1)>${'x'.repeat(500)}`));
    expect(question?.requestedAs.length).toBeLessThanOrEqual(121);
    expect(question?.requestedAs.startsWith('<img src=x onerror=alert(1)>')).toBe(true);
  });
});

describe('the words', () => {
  const question = launchConflict(alice, launchAs('bob'))!;
  it('say who is signed in, who the launch asks for, and what the buttons do', () => {
    expect(describeQuestion(question)).toEqual({
      title: 'Open the study as someone else?',
      message: `You are signed in as Alice Martin. ${issuer.displayName} asks to open a study as bob.`,
      continueLabel: 'Continue as bob',
      cancelLabel: 'Cancel',
    });
    expect(describeUnchanged(question).title).toBe('Nothing was changed');
    expect(describeUnchanged(question).message).toContain('Alice Martin');
  });
});
