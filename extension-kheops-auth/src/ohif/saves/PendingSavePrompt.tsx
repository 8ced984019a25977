import React from 'react';

export interface PendingSavePromptProps {
  count: number;
  savedAt: string;
  /** Why the reports wait, when it is not a session that had ended (the server refused them). */
  reason?: string;
  send(): Promise<void>;
  discard(): Promise<void>;
  /** Saves the reports as DICOM files on this computer; resolves with their names. */
  download(): Promise<string[]>;
}

type PromptState =
  | { phase: 'idle' }
  | { phase: 'working'; action: 'send' | 'discard' | 'download' }
  | { phase: 'downloaded'; names: string[] }
  | { phase: 'failed'; action: 'send' | 'discard' | 'download'; message: string };

/**
 * Offers to finish a save that was waiting for a sign-in when its tab was closed, or that the server
 * just refused. Hook-free on purpose.
 */
export class PendingSavePrompt extends React.Component<PendingSavePromptProps, PromptState> {
  override state: PromptState = { phase: 'idle' };

  private run(action: 'send' | 'discard', work: () => Promise<void>): void {
    this.setState({ phase: 'working', action });
    work().catch((error: unknown) => this.setState({ phase: 'failed', action, message: error instanceof Error ? error.message : String(error) }));
  }

  private readonly onDownload = (): void => {
    this.setState({ phase: 'working', action: 'download' });
    this.props.download().then(
      names => this.setState({ phase: 'downloaded', names }),
      (error: unknown) => this.setState({ phase: 'failed', action: 'download', message: error instanceof Error ? error.message : String(error) }),
    );
  };

  private notice(): React.ReactNode {
    const { state } = this;
    if (state.phase === 'downloaded') {
      return (
        <p role="status" data-kheops-auth-downloaded="" style={{ margin: '0 0 1rem', color: '#b7f0c0', overflowWrap: 'anywhere' }}>
          Downloaded {state.names.join(', ')}. It still waits to be sent or discarded.
        </p>
      );
    }
    if (state.phase !== 'failed') return null;
    return (
      <p role="alert" style={{ margin: '0 0 1rem', color: '#ffb4a9' }}>
        {state.action === 'download' ? 'The download' : 'Sending'} failed ({state.message}). The report is still kept; try again.
      </p>
    );
  }

  override render(): React.ReactNode {
    const { count, savedAt } = this.props;
    const working = this.state.phase === 'working' ? this.state.action : undefined;
    const busy = working !== undefined;
    const button: React.CSSProperties = { padding: '0.5rem 1.2rem', borderRadius: '0.4rem', border: 'none', fontWeight: 600, cursor: 'pointer', marginRight: '0.75rem' };
    return (
      <div data-kheops-auth-pending-save="" style={{ lineHeight: 1.5, color: '#e6ecf5' }}>
        {this.props.reason ? (
          <p role="alert" data-kheops-auth-save-refused="" style={{ margin: '0 0 1rem' }}>
            {this.props.reason}
          </p>
        ) : (
          <p style={{ margin: '0 0 1rem' }}>
            {count === 1 ? 'A report' : `${count} reports`} you saved on {savedAt} did not reach KHEOPS: the session had ended. Send {count === 1 ? 'it' : 'them'} now?
          </p>
        )}
        {this.notice()}
        <button type="button" data-kheops-auth-action="send-pending" disabled={busy} onClick={() => this.run('send', this.props.send)} style={{ ...button, background: '#5acce6', color: '#090c29' }}>
          {working === 'send' ? 'Sending…' : 'Send it now'}
        </button>
        <button type="button" data-kheops-auth-action="download-pending" disabled={busy} onClick={this.onDownload} style={{ ...button, background: '#3a3f5a', color: '#e6ecf5' }}>
          {working === 'download' ? 'Preparing…' : 'Download as .dcm'}
        </button>
        <button type="button" data-kheops-auth-action="discard-pending" disabled={busy} onClick={() => this.run('discard', this.props.discard)} style={{ ...button, background: '#3a3f5a', color: '#e6ecf5' }}>
          Discard
        </button>
      </div>
    );
  }
}
