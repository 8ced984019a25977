import type { User } from 'oidc-client-ts';
import type { TrustedIssuer } from '../config/types';
import { KheopsAuthError } from '../errors';
import type { CallbackExchange } from './callback-exchange';
import type { IssuerClients } from './issuer-clients';
import { personNameOr } from './person-name';
import { openSignInPopup, PopupResponseListener, watchClosed } from './popup-sign-in';

/** The person a session belongs to, as a new sign-in must match it. */
export interface SessionIdentity {
  issuer: TrustedIssuer;
  /** What the provider's sign-in form is filled with: the user name, when the provider sent one. */
  loginHint: string | undefined;
  /** How the person is called on screen (person-name.ts): never the opaque `sub`. */
  name: string;
  subject: string;
}

/**
 * Signs the same person in again in a popup, for a session that can no longer be renewed (or that
 * was signed out): the page, its measurements and any request waiting for a token stay as they are.
 * Every window opened for one re-authentication shares it; whichever answers first signs the person in.
 */
export class PopupReauthentication {
  /** The popup sign-in under way, shared by every window opened for it. */
  private attempt: { listener: PopupResponseListener; done: Promise<void> } | undefined;

  constructor(
    private readonly clients: IssuerClients,
    private readonly callback: CallbackExchange,
    private readonly now: () => number,
    /** Makes the new tokens the tab's session. */
    private readonly adopt: (issuer: TrustedIssuer, user: User, receivedAt: number) => Promise<void>,
  ) {}

  /**
   * Must be called from a click: the popup opens before anything asynchronous runs. Calling it again
   * while a sign-in is under way opens another window. `onWindowClosed` hears when this call's window
   * looks closed, so the page can offer to try again.
   */
  async signIn(identity: SessionIdentity, view: Window, onWindowClosed?: () => void): Promise<void> {
    const popup = openSignInPopup(view);
    const attempt = (this.attempt ??= this.start(view, identity));
    const stopWatching = watchClosed(view, popup, () => onWindowClosed?.());
    try {
      const target = view.location.pathname + view.location.search;
      const request = await this.clients.of(identity.issuer).signInRequest({ target, loginHint: identity.loginHint, returnTo: 'popup' });
      attempt.listener.expect(request.state);
      popup.location.replace(request.url);
      popup.focus();
      await attempt.done;
    } catch (error) {
      popup.close();
      throw error;
    } finally {
      stopWatching();
    }
  }

  private start(view: Window, identity: SessionIdentity): { listener: PopupResponseListener; done: Promise<void> } {
    const listener = new PopupResponseListener(view);
    const done = listener.response
      .then(async callbackUrl => {
        const receivedAt = this.now();
        const { issuer, user } = await this.callback.exchange(callbackUrl);
        if (user.profile.sub !== identity.subject) {
          const name = personNameOr(user.profile, identity.issuer.displayName);
          throw new KheopsAuthError(
            'sign_in_failed',
            `You signed in as ${name}, but this page belongs to ${identity.name}. Sign in as ${identity.name} to keep working here.`,
          );
        }
        await this.adopt(issuer, user, receivedAt);
      })
      .finally(() => {
        listener.dispose();
        this.attempt = undefined;
      });
    return { listener, done };
  }
}
