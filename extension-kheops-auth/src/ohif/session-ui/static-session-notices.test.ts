import { describeRemaining, enterStaticSession, warningLeadMs } from './static-session-notices';

describe('static session notices', () => {
  it('words the time left', () => {
    expect(describeRemaining(57 * 60_000 + 20_000)).toBe('57 min left');
    expect(describeRemaining(45_000)).toBe('45 s left');
    expect(describeRemaining(5 * 3600_000)).toBe('5 h 0 min left');
  });
  it('warns 5 minutes ahead, or a quarter of a short lifetime', () => {
    expect(warningLeadMs(3600_000)).toBe(300_000);
    expect(warningLeadMs(60_000)).toBe(15_000);
  });
  it('on mode enter: says how long is left, then warns before the end; nothing for a renewable session', () => {
    const shown: Array<{ title: string; message: string }> = [];
    const notifications = { show: (notification: { title: string; message: string }) => void shown.push(notification) };
    let pending: (() => void) | undefined;
    const environment = { now: () => 0, timers: { set: (callback: () => void) => (pending = callback), clear: () => undefined }, announced: { announcedExpiry: undefined } };
    enterStaticSession({ isRenewable: () => true, signedInUser: () => ({ expiresAt: 3600, receivedAt: 0 }) }, notifications, undefined, environment);
    expect(shown).toEqual([]);
    enterStaticSession({ isRenewable: () => false, signedInUser: () => ({ expiresAt: 57 * 60, receivedAt: 0 }) }, notifications, 'https://kheops.example.org/', environment);
    expect(shown[0]?.message).toBe('KHEOPS session: 57 min left; it cannot be renewed. Save your work before it ends. Return to KHEOPS: https://kheops.example.org/');
    pending?.();
    expect(shown[1]?.title).toBe('KHEOPS session ends soon');
  });

  it('after a reload, times the warning from the token\'s arrival, not from mode enter', () => {
    // An 8-minute token that arrived at 0, its page reloaded at 6 min: the warning comes a quarter of
    // its lifetime (2 min) before the end, so at once; timed from the reload it would come 90 s later.
    const delays: number[] = [];
    const notifications = { show: () => undefined };
    const environment = { now: () => 6 * 60_000, timers: { set: (_callback: () => void, delay: number) => void delays.push(delay), clear: () => undefined }, announced: { announcedExpiry: undefined } };
    enterStaticSession({ isRenewable: () => false, signedInUser: () => ({ expiresAt: 8 * 60, receivedAt: 0 }) }, notifications, undefined, environment);
    expect(delays).toEqual([0]);
  });
});

describe('the prompt for a session that cannot sign in again', () => {
  it('says to open the study again from KHEOPS, with no sign-in button', async () => {
    const React = await import('react');
    const { renderToStaticMarkup } = await import('react-dom/server');
    const { ReauthenticationPrompt } = await import('./ReauthenticationPrompt');
    const { Reauthentication } = await import('./reauthentication');
    const html = renderToStaticMarkup(React.createElement(ReauthenticationPrompt, { issuerName: 'KHEOPS', signIn: async () => undefined, renewable: false }));
    expect(html).toContain('open the study again from KHEOPS, where it is offered');
    expect(html).not.toContain('data-kheops-auth-action');
    const shown: Array<{ title: string; contentProps?: Record<string, unknown> }> = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    void new Reauthentication({ show: options => void shown.push(options), hide: () => undefined }, () => 'KHEOPS', async () => undefined, () => false).reauthenticate();
    warn.mockRestore();
    expect(shown[0]).toMatchObject({ title: 'KHEOPS session ended', contentProps: { renewable: false } });
  });
});
