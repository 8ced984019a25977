/**
 * @jest-environment jsdom
 */
import { KheopsAuthError } from '../errors';
import { MemoryStorage } from '../__tests__/memory-storage';
import { describeQuestion, describeUnchanged } from '../launch/launch-conflict';
import { STATUS_TEXT } from '../login/status-text';
import { describeRefusal } from '../login/describe-refusal';
import { REFUSAL_EXPLANATIONS } from '../login/refusal-text';
import { renderQuestion, renderRefusal, renderUnchanged } from './render-status';
import { startLogin, type LoginPageInput } from './start-login';

const VIEWER = 'https://viewer.example.org';
const ISSUER = 'https://kheops.example.org/api';
const appConfig = {
  dataSources: [
    { namespace: '@ohif/extension-default.dataSourcesModule.dicomweb', sourceName: 'kheops', configuration: { qidoRoot: ISSUER, wadoRoot: ISSUER } },
  ],
  kheopsAuth: { issuers: [{ issuer: ISSUER, clientId: 'ohif-viewer', dicomWebRoot: ISSUER }] },
};

function input(search: string, config: unknown = appConfig): LoginPageInput {
  return { appConfig: config, search, origin: VIEWER, storage: new MemoryStorage() };
}

const launchQuery = (target: string) =>
  `?iss=${encodeURIComponent(ISSUER)}&login_hint=alice&target_link_uri=${encodeURIComponent(target)}`;

describe('startLogin', () => {
  it('starts the sign-in for a valid launch with the validated target', async () => {
    const begin = jest.fn().mockResolvedValue(undefined);
    const outcome = await startLogin(input(launchQuery(`${VIEWER}/kheops?StudyInstanceUIDs=1.2#frag`)), begin);
    expect(outcome).toEqual({ kind: 'redirecting' });
    expect(begin).toHaveBeenCalledTimes(1);
    expect(begin.mock.calls[0][1]).toMatchObject({ kind: 'oidc', loginHint: 'alice', target: '/kheops?StudyInstanceUIDs=1.2' });
    expect(begin.mock.calls[0][1].issuer.issuer).toBe(ISSUER);
  });

  it('refuses a foreign target before anything leaves the page', async () => {
    const begin = jest.fn();
    const outcome = await startLogin(input(launchQuery('https://evil.example/kheops')), begin);
    expect(outcome).toMatchObject({ kind: 'refused', failure: { code: 'foreign_target', hint: STATUS_TEXT.launchRefused.hint } });
    expect(begin).not.toHaveBeenCalled();
  });

  it('refuses when app-config.js did not set a usable window.config', async () => {
    const begin = jest.fn();
    await expect(startLogin({ ...input(launchQuery(`${VIEWER}/kheops`)), appConfig: undefined }, begin)).resolves.toMatchObject({
      kind: 'refused',
      failure: { code: 'configuration_invalid', message: expect.stringContaining('window.config is missing') },
    });
    await expect(startLogin(input(launchQuery(`${VIEWER}/kheops`), () => ({})), begin)).resolves.toMatchObject({
      failure: { code: 'configuration_invalid', message: expect.stringContaining('is a function') },
    });
    expect(begin).not.toHaveBeenCalled();
  });

  it('refuses on the same grounds as the extension: a data source outside the trusted DICOMweb roots', async () => {
    const leaky = { ...appConfig, dataSources: [{ ...appConfig.dataSources[0], configuration: { qidoRoot: 'https://pacs.example.org/dicom-web' } }] };
    const outcome = await startLogin(input(launchQuery(`${VIEWER}/kheops`), leaky), jest.fn());
    expect(outcome).toMatchObject({ kind: 'refused', failure: { code: 'configuration_invalid', message: expect.stringContaining('dataSources[0].configuration.qidoRoot') } });
  });

  it('shows a failure to reach the provider instead of a blank page', async () => {
    const begin = jest.fn().mockRejectedValue(new TypeError('Failed to fetch'));
    const outcome = await startLogin(input(launchQuery(`${VIEWER}/kheops`)), begin);
    expect(outcome).toMatchObject({ kind: 'refused', failure: { code: 'sign_in_failed', message: 'The sign-in failed: Failed to fetch' } });
    const coded = jest.fn().mockRejectedValue(new KheopsAuthError('provider_error', 'KHEOPS is down'));
    await expect(startLogin(input(launchQuery(`${VIEWER}/kheops`)), coded)).resolves.toMatchObject({ failure: { code: 'provider_error' } });
  });
});

/** A tab where alice is signed in (as oidc-client-ts stores her) and was looking at a study. */
function aliceTab(): MemoryStorage {
  const storage = new MemoryStorage();
  storage.setItem(
    `kheops-auth.user.user:${ISSUER}:ohif-viewer`,
    JSON.stringify({ access_token: 'secret', profile: { sub: 'alice', preferred_username: 'alice', name: 'Alice Martin' } }),
  );
  storage.setItem('kheops-auth.viewer-page', '/kheops?StudyInstanceUIDs=1.2.3');
  return storage;
}

describe('startLogin in a tab where someone is signed in', () => {
  it('asks before signing in someone else, and has sent nothing until then', async () => {
    const begin = jest.fn().mockResolvedValue(undefined);
    const outcome = await startLogin({ ...input(launchQuery(`${VIEWER}/kheops`).replace('alice', 'bob')), storage: aliceTab() }, begin);
    if (outcome.kind !== 'confirm') throw new Error(`expected a question, got ${outcome.kind}`);
    expect(outcome.question).toMatchObject({ signedInAs: 'Alice Martin', requestedAs: 'bob' });
    expect(begin).not.toHaveBeenCalled();
    await expect(outcome.proceed()).resolves.toEqual({ kind: 'redirecting' });
    expect(begin).toHaveBeenCalledTimes(1);
    expect(begin.mock.calls[0][1]).toMatchObject({ loginHint: 'bob' });
  });

  it('on cancel, goes back to the viewer page the tab showed, or says nothing changed', async () => {
    const storage = aliceTab();
    const outcome = await startLogin({ ...input(launchQuery(`${VIEWER}/kheops`).replace('alice', 'bob')), storage }, jest.fn());
    if (outcome.kind !== 'confirm') throw new Error('expected a question');
    expect(outcome.cancel()).toEqual({ kind: 'return', page: '/kheops?StudyInstanceUIDs=1.2.3' });
    storage.setItem('kheops-auth.viewer-page', 'https://evil.example/');
    expect(outcome.cancel()).toEqual({ kind: 'unchanged' });
  });

  it('goes straight on for the same person, or a launch that names no one', async () => {
    const begin = jest.fn().mockResolvedValue(undefined);
    await expect(startLogin({ ...input(launchQuery(`${VIEWER}/kheops`)), storage: aliceTab() }, begin)).resolves.toEqual({ kind: 'redirecting' });
    const noHint = `?iss=${encodeURIComponent(ISSUER)}&target_link_uri=${encodeURIComponent(`${VIEWER}/kheops`)}`;
    await expect(startLogin({ ...input(noHint), storage: aliceTab() }, begin)).resolves.toEqual({ kind: 'redirecting' });
    expect(begin).toHaveBeenCalledTimes(2);
  });

  it('refuses a hostile launch before asking anything', async () => {
    const outcome = await startLogin({ ...input(launchQuery('https://evil.example/kheops').replace('alice', 'bob')), storage: aliceTab() }, jest.fn());
    expect(outcome).toMatchObject({ kind: 'refused', failure: { code: 'foreign_target' } });
  });
});

describe('renderQuestion', () => {
  const question = { kind: 'different-user' as const, signedInAs: 'Alice Martin', requestedAs: '<img src=x onerror=alert(1)>', issuerName: 'KHEOPS' };

  it('shows the question as text with a continue and a cancel button, each answering once', () => {
    const onContinue = jest.fn();
    const onCancel = jest.fn();
    renderQuestion(document, describeQuestion(question), { onContinue, onCancel });
    const frame = document.querySelector('[data-kheops-auth-status="confirm"]');
    expect(frame?.textContent).toContain('You are signed in as Alice Martin. KHEOPS asks to open a study as <img src=x onerror=alert(1)>.');
    expect(document.querySelector('img')).toBeNull();
    const continueButton = document.querySelector<HTMLButtonElement>('[data-kheops-auth-action="continue"]');
    expect(continueButton?.textContent).toBe('Continue as <img src=x onerror=alert(1)>');
    continueButton?.click();
    continueButton?.click();
    document.querySelector<HTMLButtonElement>('[data-kheops-auth-action="cancel"]')?.click();
    expect(onContinue).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('says that nothing changed after a cancel with nowhere to return to', () => {
    renderUnchanged(document, describeUnchanged(question));
    expect(document.querySelector('[data-kheops-auth-status="unchanged"]')?.textContent).toContain('Nothing was changed');
  });
});

describe('renderRefusal', () => {
  beforeEach(() => {
    document.body.innerHTML = '<div data-kheops-auth-status="working">Signing you in with KHEOPS…</div>';
  });

  it('replaces the working status with the refusal, its reason code and the same data attributes as the viewer', () => {
    renderRefusal(document, describeRefusal('unknown_issuer', undefined, 'The launch comes from "x".'));
    expect(document.querySelector('[data-kheops-auth-status="working"]')).toBeNull();
    const frame = document.querySelector('[data-kheops-auth-status="refused"]');
    expect(frame?.getAttribute('role')).toBe('alert');
    expect(frame?.textContent).toContain(STATUS_TEXT.launchRefused.title);
    expect(document.querySelector('[data-kheops-auth-message]')?.textContent).toBe(REFUSAL_EXPLANATIONS.unknown_issuer.sentence);
    expect(document.querySelector('[data-kheops-auth-code="unknown_issuer"]')?.textContent).toBe('unknown_issuer');
    expect(document.querySelector('[data-kheops-auth-fix]')?.textContent).toBe(REFUSAL_EXPLANATIONS.unknown_issuer.fix);
    expect(document.querySelector('[data-kheops-auth-detail]')?.textContent).toBe('The launch comes from "x".');
    // No way back without a configured KHEOPS address.
    expect(document.querySelector('[data-kheops-auth-back]')).toBeNull();
  });

  it('offers "Back to KHEOPS" at the configured address only', () => {
    renderRefusal(document, describeRefusal('foreign_target', { kheopsUrl: 'https://kheops.example.org/' }));
    const back = document.querySelector<HTMLAnchorElement>('[data-kheops-auth-back]');
    expect(back?.textContent).toBe('Back to KHEOPS');
    expect(back?.href).toBe('https://kheops.example.org/');
  });

  it('shows hostile launch parameters as text, never as markup', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const outcome = await startLogin(input(`?iss=${encodeURIComponent(hostile)}`), jest.fn());
    if (outcome.kind !== 'refused') throw new Error('expected a refusal');
    renderRefusal(document, describeRefusal(outcome.failure.code, outcome.issuer, outcome.failure.message));
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('[data-kheops-auth-code="unknown_issuer"]')).not.toBeNull();
    expect(document.body.textContent).toContain(hostile);
  });

  it('leaves out the detail line when the page has no technical account (after a reload)', () => {
    renderRefusal(document, describeRefusal('configuration_invalid', undefined));
    expect(document.querySelectorAll('[data-kheops-auth-status="refused"] p')).toHaveLength(3);
    expect(document.querySelector('[data-kheops-auth-detail]')).toBeNull();
  });
});
