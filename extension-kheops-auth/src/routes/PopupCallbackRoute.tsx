import React from 'react';
import { STATUS_TEXT } from '../login/status-text';
import { returnToOpener } from '../session/popup-sign-in';
import { describeFailure, type FailureView } from '../login/describe-failure';
import { StatusPage } from './StatusPage';

type PopupState = { phase: 'working' } | { phase: 'failed'; failure: FailureView };

/** The sign-in popup's redirect URI: hands the response to the viewer page that opened it, then closes. */
export class PopupCallbackRoute extends React.Component<Record<string, unknown>, PopupState> {
  override state: PopupState = { phase: 'working' };

  override componentDidMount(): void {
    this.complete();
  }

  private complete(): void {
    try {
      // Only hands the answer to the opener, which checks and exchanges it: no configuration is needed here.
      returnToOpener(window.location.href, window);
    } catch (error) {
      const failure = describeFailure(error);
      console.warn(`[kheops-auth] popup sign-in failed (${failure.code}): ${failure.message}`);
      this.setState({ phase: 'failed', failure });
    }
  }

  override render(): React.ReactNode {
    if (this.state.phase === 'failed') {
      const { failure } = this.state;
      return <StatusPage tone="refused" title={STATUS_TEXT.popupFailed.title} message={failure.message} hint={STATUS_TEXT.popupFailed.hint} code={failure.code} />;
    }
    return <StatusPage tone="working" title={STATUS_TEXT.returning.title} message={STATUS_TEXT.returning.message} />;
  }
}
