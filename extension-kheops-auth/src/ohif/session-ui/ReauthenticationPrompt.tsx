import React from 'react';

export interface ReauthenticationPromptProps {
  issuerName: string;
  /**
   * Opens the sign-in popup; must run from the click itself, or browsers block the popup. Settles when
   * the sign-in is done (or failed); `onWindowClosed` hears when the window looks closed meanwhile.
   */
  signIn(onWindowClosed?: () => void): Promise<void>;
  /** False for a session that came with the launch URL (viewer link, report provider): it cannot sign in again. */
  renewable?: boolean;
}

type PromptState = { phase: 'idle' } | { phase: 'signing-in' } | { phase: 'failed'; message: string };

const WINDOW_CLOSED = 'The sign-in window was closed. Your work is still here: sign in again when you are ready.';

/**
 * Shown over the viewer, which stays as it is underneath: nothing is reloaded, no measurement is lost,
 * and requests waiting for a token go out once the person has signed in again. A class component:
 * hooks from the runtime bundle's React copy would fail under OHIF's React.
 */
export class ReauthenticationPrompt extends React.Component<ReauthenticationPromptProps, PromptState> {
  override state: PromptState = { phase: 'idle' };

  private readonly onClick = (): void => {
    this.setState({ phase: 'signing-in' });
    // A closed window ends nothing: a window cut off by COOP looks closed just before it answers, and a
    // new click opens another window for the same sign-in.
    const onWindowClosed = () => this.setState({ phase: 'failed', message: WINDOW_CLOSED });
    this.props.signIn(onWindowClosed).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.setState({ phase: 'failed', message: `The sign-in did not succeed (${message}). Your work is still here: try again.` });
    });
  };

  override render(): React.ReactNode {
    const { phase } = this.state;
    if (this.props.renewable === false) {
      return (
        <div data-kheops-auth-reauthenticate="" data-kheops-auth-renewable="false" style={{ lineHeight: 1.5, color: '#e6ecf5' }}>
          <p style={{ margin: 0 }}>
            Your {this.props.issuerName} session came with the link that opened the viewer and has ended; it cannot be renewed from here. Your measurements stay on this page, and the report you are saving waits in this browser: open the study again from KHEOPS, where it is offered to be sent, or download it from there.
          </p>
        </div>
      );
    }
    return (
      <div data-kheops-auth-reauthenticate="" style={{ lineHeight: 1.5, color: '#e6ecf5' }}>
        <p style={{ margin: '0 0 1rem' }}>
          Your {this.props.issuerName} session ended. Sign in again to keep working. Your measurements and unsaved work stay on this page.
        </p>
        {phase === 'failed' ? (
          <p role="alert" style={{ margin: '0 0 1rem', color: '#ffb4a9' }}>
            {this.state.message}
          </p>
        ) : null}
        <button
          type="button"
          data-kheops-auth-action="reauthenticate"
          disabled={phase === 'signing-in'}
          onClick={this.onClick}
          style={{ padding: '0.5rem 1.2rem', borderRadius: '0.4rem', border: 'none', background: '#5acce6', color: '#090c29', fontWeight: 600, cursor: 'pointer' }}
        >
          {phase === 'signing-in' ? 'Signing in…' : 'Sign in again'}
        </button>
      </div>
    );
  }
}
