import type { ModalService } from '../api';
import { ReauthenticationPrompt } from './ReauthenticationPrompt';


/**
 * One sign-in for everything waiting on it: every caller of `reauthenticate()` gets the same
 * promise, which settles when the popup sign-in succeeds (never on cancel). Each call shows the
 * prompt again, so a prompt the person closed comes back with the next request that needs it.
 */
export class Reauthentication {
  private pending: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly modal: ModalService,
    private readonly issuerName: () => string,
    /** Opens a sign-in popup (from the click); `onWindowClosed` hears when that window looks closed. */
    private readonly signInAgain: (onWindowClosed?: () => void) => Promise<void>,
    /** False when the session came with a launch URL: nobody can sign in again, only relaunch from KHEOPS. */
    private readonly isRenewable: () => boolean = () => true,
  ) {}

  reauthenticate(): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>(settle => (resolve = settle));
      this.pending = { promise, resolve };
      console.warn('[kheops-auth] the session can no longer be renewed; asking to sign in again');
    }
    this.showPrompt();
    return this.pending.promise;
  }

  private showPrompt(): void {
    const signIn = async (onWindowClosed?: () => void): Promise<void> => {
      await this.signInAgain(onWindowClosed);
      this.modal.hide();
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve();
    };
    this.modal.show({
      title: this.isRenewable() ? 'Sign in again' : 'KHEOPS session ended',
      content: ReauthenticationPrompt,
      contentProps: { issuerName: this.issuerName(), signIn, renewable: this.isRenewable() },
      shouldCloseOnEsc: false,
      shouldCloseOnOverlayClick: false,
    });
  }
}
