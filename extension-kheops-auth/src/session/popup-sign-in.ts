import { KheopsAuthError } from '../errors';

const MESSAGE_SOURCE = 'kheops-auth-popup';
const CLOSED_POLL_MS = 500;

interface PopupMessage {
  source: typeof MESSAGE_SOURCE;
  url: string;
}

function isPopupMessage(data: unknown): data is PopupMessage {
  const message = data as Partial<PopupMessage> | null;
  return message?.source === MESSAGE_SOURCE && typeof message.url === 'string';
}

function channelName(state: string): string {
  return `kheops-auth.popup.${state}`;
}

/**
 * Runs in the popup on the popup callback route: hands the provider's response to the viewer page that
 * opened it, by postMessage to the opener on this origin, or, when COOP severed the opener, over a
 * BroadcastChannel named after the state (only the page that started this sign-in listens to it).
 * Nothing is checked or exchanged here; the opener does that against the state it stored.
 */
export function returnToOpener(callbackUrl: string, popup: Pick<Window, 'opener' | 'location' | 'close'>): void {
  const message: PopupMessage = { source: MESSAGE_SOURCE, url: callbackUrl };
  const opener = popup.opener as Window | null;
  if (opener) {
    opener.postMessage(message, popup.location.origin);
    popup.close();
    return;
  }
  const state = new URL(callbackUrl).searchParams.get('state');
  if (!state) throw new KheopsAuthError('unknown_state', 'This sign-in window got a response without a state; it cannot be handed back to the viewer.');
  const channel = new BroadcastChannel(channelName(state));
  channel.postMessage(message);
  channel.close();
  popup.close();
}

/**
 * Opens the sign-in window. Call it from the click itself, before anything asynchronous: browsers
 * block popups that open later.
 */
export function openSignInPopup(view: Window, features = { width: 520, height: 640 }): Window {
  const left = Math.max(0, view.screenX + (view.outerWidth - features.width) / 2);
  const top = Math.max(0, view.screenY + (view.outerHeight - features.height) / 2);
  const popup = view.open('about:blank', '_blank', `popup,width=${features.width},height=${features.height},left=${left},top=${top}`);
  if (!popup) {
    throw new KheopsAuthError('popup_blocked', 'The browser blocked the sign-in window.', 'Allow pop-up windows for this viewer, then click "Sign in again".');
  }
  return popup;
}

/**
 * Calls `onClosed` once the popup looks closed. It is only a hint for the page ("the window was
 * closed: try again"): under `Cross-Origin-Opener-Policy` a popup coming back to the viewer's origin is
 * cut off from this page and looks closed while it is still about to answer, so looking closed never
 * ends the wait for its answer. Returns a function that stops watching.
 */
export function watchClosed(view: Window, popup: Window, onClosed: () => void): () => void {
  const poll = view.setInterval(() => {
    if (!popup.closed) return;
    view.clearInterval(poll);
    onClosed();
  }, CLOSED_POLL_MS);
  return () => view.clearInterval(poll);
}

/**
 * Waits for the answer of any of the sign-in popups of one re-authentication: a person who closed
 * the first window and opened another is signed in by whichever answers first. Only answers on this
 * origin that name a state this page started are taken.
 */
export class PopupResponseListener {
  readonly response: Promise<string>;
  private readonly states = new Set<string>();
  private readonly cleanups: Array<() => void> = [];
  private resolve!: (url: string) => void;

  constructor(private readonly view: Window) {
    this.response = new Promise<string>(resolve => (this.resolve = resolve));
    const onMessage = (event: MessageEvent) => this.accept(event.data, event.origin);
    view.addEventListener('message', onMessage);
    this.cleanups.push(() => view.removeEventListener('message', onMessage));
  }

  /** Also accept the answer for `state` (a popup just sent to the provider with it). */
  expect(state: string): void {
    this.states.add(state);
    // Same-origin by construction: only this origin's pages can post on a BroadcastChannel.
    const channel = new BroadcastChannel(channelName(state));
    channel.onmessage = event => this.accept(event.data, this.view.location.origin);
    this.cleanups.push(() => channel.close());
  }

  dispose(): void {
    this.cleanups.splice(0).forEach(cleanup => cleanup());
  }

  private accept(data: unknown, origin: string): void {
    if (origin !== this.view.location.origin || !isPopupMessage(data)) return;
    const state = new URL(data.url).searchParams.get('state');
    if (state === null || !this.states.has(state)) return;
    this.dispose();
    this.resolve(data.url);
  }
}
