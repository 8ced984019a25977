import { openSignInPopup, PopupResponseListener, returnToOpener, watchClosed } from './popup-sign-in';

const ORIGIN = 'https://viewer.example.org';
const CALLBACK = `${ORIGIN}/kheops/popup-callback?code=c&state=s1`;

/** The opener's window as far as the popup code uses it; timers are jest's fake ones. */
function fakeView(popup: { closed: boolean } | null = { closed: false }) {
  const listeners = new Set<(event: MessageEvent) => void>();
  return {
    location: { origin: ORIGIN },
    screenX: 0,
    screenY: 0,
    outerWidth: 1200,
    outerHeight: 900,
    open: jest.fn(() => popup),
    addEventListener: (_type: string, listener: (event: MessageEvent) => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: MessageEvent) => void) => listeners.delete(listener),
    setInterval: (callback: () => void, ms: number) => setInterval(callback, ms),
    clearInterval: (handle: ReturnType<typeof setInterval>) => clearInterval(handle),
    post: (data: unknown, origin = ORIGIN) => listeners.forEach(listener => listener({ data, origin } as MessageEvent)),
    listenerCount: () => listeners.size,
  };
}

const asWindow = (value: unknown) => value as Window;

describe('openSignInPopup', () => {
  it('says so when the browser blocks the window', () => {
    expect(() => openSignInPopup(asWindow(fakeView(null)))).toThrow(expect.objectContaining({ code: 'popup_blocked' }));
  });
});

describe('PopupResponseListener', () => {
  it('takes the answer for a state it expects, ignoring other origins, states and messages', async () => {
    const view = fakeView();
    const listener = new PopupResponseListener(asWindow(view));
    listener.expect('s1');
    view.post({ source: 'kheops-auth-popup', url: CALLBACK }, 'https://evil.example');
    view.post({ source: 'kheops-auth-popup', url: `${ORIGIN}/kheops/popup-callback?code=c&state=other` });
    view.post({ source: 'something-else', url: CALLBACK });
    view.post({ source: 'kheops-auth-popup', url: CALLBACK });
    await expect(listener.response).resolves.toBe(CALLBACK);
    expect(view.listenerCount()).toBe(0);
  });

  it('takes the answer of whichever of its windows answers first', async () => {
    const view = fakeView();
    const listener = new PopupResponseListener(asWindow(view));
    listener.expect('s1');
    listener.expect('s2');
    const second = `${ORIGIN}/kheops/popup-callback?code=c&state=s2`;
    view.post({ source: 'kheops-auth-popup', url: second });
    await expect(listener.response).resolves.toBe(second);
  });

  it('takes the answer over the BroadcastChannel when COOP cut the popup off from its opener', async () => {
    const view = fakeView();
    const listener = new PopupResponseListener(asWindow(view));
    listener.expect('s1');
    const inPopup = { opener: null, location: { origin: ORIGIN }, close: jest.fn() };
    returnToOpener(CALLBACK, asWindow(inPopup));
    await expect(listener.response).resolves.toBe(CALLBACK);
    expect(inPopup.close).toHaveBeenCalled();
  });
});

describe('watchClosed', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('tells once that the window looks closed, and can be stopped', () => {
    const popup = { closed: false };
    const view = fakeView(popup);
    const onClosed = jest.fn();
    watchClosed(asWindow(view), asWindow(popup), onClosed);
    jest.advanceTimersByTime(2000);
    expect(onClosed).not.toHaveBeenCalled();
    popup.closed = true;
    jest.advanceTimersByTime(5000);
    expect(onClosed).toHaveBeenCalledTimes(1);

    const other = { closed: false };
    const stop = watchClosed(asWindow(view), asWindow(other), onClosed);
    stop();
    other.closed = true;
    jest.advanceTimersByTime(5000);
    expect(onClosed).toHaveBeenCalledTimes(1);
  });
});

describe('returnToOpener', () => {
  it('posts to the opener on its own origin only', () => {
    const opener = { postMessage: jest.fn() };
    const inPopup = { opener, location: { origin: ORIGIN }, close: jest.fn() };
    returnToOpener(CALLBACK, asWindow(inPopup));
    expect(opener.postMessage).toHaveBeenCalledWith({ source: 'kheops-auth-popup', url: CALLBACK }, ORIGIN);
  });
});
