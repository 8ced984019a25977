/**
 * @jest-environment jsdom
 */
import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { KheopsAuthError } from '../errors';
import { runtime } from '../runtime';
import { requireValidConfig } from '../config/validate';
import type { KheopsSession } from '../session/kheops-session';
import { CallbackRoute } from './CallbackRoute';
import { LoginRoute } from './LoginRoute';

const ISSUER = 'https://kheops.example.org/api';
const config = requireValidConfig({ issuers: [{ issuer: ISSUER, clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api' }] });

function useSession(session: Partial<KheopsSession>): void {
  runtime.setup = { ready: true, config, session: session as KheopsSession };
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('LoginRoute', () => {
  it('starts the sign-in for a valid launch', async () => {
    const beginSignIn = jest.fn().mockResolvedValue(undefined);
    useSession({});
    const target = `${window.location.origin}/kheops?StudyInstanceUIDs=1.2`;
    window.history.replaceState(null, '', `/kheops/login?iss=${encodeURIComponent(ISSUER)}&login_hint=alice&target_link_uri=${encodeURIComponent(target)}`);
    render(<LoginRoute begin={beginSignIn} />);
    expect(screen.getByText('Signing you in with KHEOPS…')).toBeTruthy();
    await waitFor(() => expect(beginSignIn).toHaveBeenCalledTimes(1));
    expect(beginSignIn.mock.calls[0][1]).toMatchObject({ kind: 'oidc', loginHint: 'alice', target: '/kheops?StudyInstanceUIDs=1.2' });
  });

  it('shows why a launch from an unknown issuer is refused, as text', async () => {
    const beginSignIn = jest.fn();
    useSession({});
    window.history.replaceState(null, '', `/kheops/login?iss=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    const { container } = render(<LoginRoute begin={beginSignIn} />);
    await screen.findByText('This launch was refused');
    expect(container.querySelector('[data-kheops-auth-code="unknown_issuer"]')).not.toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(beginSignIn).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('unknown_issuer'));
    // The refused launch's parameters left the address bar; only the refusal's code stays, for a reload.
    expect(window.location.pathname + window.location.search).toBe('/kheops/refused?code=unknown_issuer');
  });

  it('shows the configuration problem when the extension could not start', async () => {
    runtime.setup = { ready: false, problem: new KheopsAuthError('configuration_invalid', 'kheopsAuth.issuers must list at least one trusted issuer') };
    window.history.replaceState(null, '', '/kheops/login?iss=x');
    const { container } = render(<LoginRoute />);
    await screen.findByText(/must list at least one trusted issuer/);
    expect(container.querySelector('[data-kheops-auth-code="configuration_invalid"]')).not.toBeNull();
  });
});

describe('LoginRoute in a tab where someone is signed in', () => {
  const launchAsBob = () => {
    const target = `${window.location.origin}/kheops?StudyInstanceUIDs=9.8.7`;
    window.history.replaceState(null, '', `/kheops/login?iss=${encodeURIComponent(ISSUER)}&login_hint=bob&target_link_uri=${encodeURIComponent(target)}`);
  };
  beforeEach(() => {
    window.sessionStorage.setItem(
      `kheops-auth.user.user:${ISSUER}:ohif-viewer`,
      JSON.stringify({ access_token: 'secret', profile: { sub: 'alice', preferred_username: 'alice', name: 'Alice Martin' } }),
    );
  });
  afterEach(() => window.sessionStorage.clear());

  it('asks before signing in someone else, and continues when told to', async () => {
    const beginSignIn = jest.fn().mockResolvedValue(undefined);
    useSession({});
    launchAsBob();
    const { container } = render(<LoginRoute begin={beginSignIn} />);
    await screen.findByText('You are signed in as Alice Martin. KHEOPS asks to open a study as bob.');
    expect(container.querySelector('[data-kheops-auth-status="confirm"]')).not.toBeNull();
    expect(beginSignIn).not.toHaveBeenCalled();
    fireEvent.click(container.querySelector('[data-kheops-auth-action="continue"]')!);
    await waitFor(() => expect(beginSignIn).toHaveBeenCalledTimes(1));
    expect(beginSignIn.mock.calls[0][1]).toMatchObject({ loginHint: 'bob', target: '/kheops?StudyInstanceUIDs=9.8.7' });
  });

  it('on cancel, returns to the viewer page the tab showed without a document load', async () => {
    const beginSignIn = jest.fn();
    useSession({});
    window.sessionStorage.setItem('kheops-auth.viewer-page', '/kheops?StudyInstanceUIDs=1.2.3');
    launchAsBob();
    const popstate = jest.fn();
    window.addEventListener('popstate', popstate);
    const { container } = render(<LoginRoute begin={beginSignIn} />);
    await screen.findByText('Cancel');
    fireEvent.click(container.querySelector('[data-kheops-auth-action="cancel"]')!);
    expect(window.location.pathname + window.location.search).toBe('/kheops?StudyInstanceUIDs=1.2.3');
    expect(popstate).toHaveBeenCalled();
    expect(beginSignIn).not.toHaveBeenCalled();
    window.removeEventListener('popstate', popstate);
  });

  it('on cancel with no viewer page to return to, says that nothing changed', async () => {
    const beginSignIn = jest.fn();
    useSession({});
    launchAsBob();
    const { container } = render(<LoginRoute begin={beginSignIn} />);
    fireEvent.click(await screen.findByText('Cancel'));
    await screen.findByText('Nothing was changed');
    expect(container.querySelector('[data-kheops-auth-status="unchanged"]')).not.toBeNull();
  });
});

describe('CallbackRoute', () => {
  it('moves to the launch target without a document load and drops code and state from the history', async () => {
    const completeSignIn = jest.fn().mockResolvedValue({ target: '/kheops?StudyInstanceUIDs=1.2&initialSeriesInstanceUID=1.2.3' });
    useSession({ completeSignIn });
    window.history.replaceState(null, '', '/kheops/callback?code=abc&state=xyz');
    const popstate = jest.fn();
    window.addEventListener('popstate', popstate);
    render(<CallbackRoute />);
    await waitFor(() => expect(popstate).toHaveBeenCalled());
    expect(window.location.pathname + window.location.search).toBe('/kheops?StudyInstanceUIDs=1.2&initialSeriesInstanceUID=1.2.3');
    expect(completeSignIn).toHaveBeenCalledWith(expect.stringContaining('/kheops/callback?code=abc&state=xyz'));
    window.removeEventListener('popstate', popstate);
  });

  it('shows a failed sign-in and scrubs the callback URL', async () => {
    const completeSignIn = jest.fn().mockRejectedValue(new KheopsAuthError('unknown_state', 'This sign-in response does not belong to this tab.'));
    useSession({ completeSignIn });
    window.history.replaceState(null, '', '/kheops/callback?code=used&state=forged');
    const { container } = render(<CallbackRoute />);
    await screen.findByText('Sign-in failed');
    expect(container.querySelector('[data-kheops-auth-code="unknown_state"]')).not.toBeNull();
    expect(window.location.search).toBe('');
  });
});
