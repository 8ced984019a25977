import React from 'react';

export interface PendingSavePromptProps {
  count: number;
  savedAt: string;
  send(): Promise<void>;
  discard(): Promise<void>;
}

type PromptState = { phase: 'idle' } | { phase: 'working' } | { phase: 'failed'; message: string };

/** Offers to finish a save that was waiting for a sign-in when its tab was closed. Hook-free on purpose. */
export class PendingSavePrompt extends React.Component<PendingSavePromptProps, PromptState> {
  override state: PromptState = { phase: 'idle' };

  private run(action: () => Promise<void>): void {
    this.setState({ phase: 'working' });
    action().catch((error: unknown) => this.setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) }));
  }

  override render(): React.ReactNode {
    const { count, savedAt } = this.props;
    const busy = this.state.phase === 'working';
    const button: React.CSSProperties = { padding: '0.5rem 1.2rem', borderRadius: '0.4rem', border: 'none', fontWeight: 600, cursor: 'pointer', marginRight: '0.75rem' };
    return (
      <div data-kheops-auth-pending-save="" style={{ lineHeight: 1.5, color: '#e6ecf5' }}>
        <p style={{ margin: '0 0 1rem' }}>
          {count === 1 ? 'A report' : `${count} reports`} you saved on {savedAt} did not reach KHEOPS: the session had ended. Send {count === 1 ? 'it' : 'them'} now?
        </p>
        {this.state.phase === 'failed' ? (
          <p role="alert" style={{ margin: '0 0 1rem', color: '#ffb4a9' }}>
            Sending failed ({this.state.message}). The report is still kept; try again.
          </p>
        ) : null}
        <button type="button" data-kheops-auth-action="send-pending" disabled={busy} onClick={() => this.run(this.props.send)} style={{ ...button, background: '#5acce6', color: '#090c29' }}>
          {busy ? 'Sending…' : 'Send it now'}
        </button>
        <button type="button" data-kheops-auth-action="discard-pending" disabled={busy} onClick={() => this.run(this.props.discard)} style={{ ...button, background: '#3a3f5a', color: '#e6ecf5' }}>
          Discard
        </button>
      </div>
    );
  }
}
