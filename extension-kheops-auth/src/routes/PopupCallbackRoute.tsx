import React from 'react';
import { getRuntime } from '../ohif/runtime';
import { describeFailure, type FailureView } from './describe-failure';
import { StatusPage } from './StatusPage';

type PopupState = { phase: 'working' } | { phase: 'failed'; failure: FailureView };

/** The sign-in popup's redirect URI: hands the response to the viewer page that opened it, then closes. */
export class PopupCallbackRoute extends React.Component<Record<string, unknown>, PopupState> {
  override state: PopupState = { phase: 'working' };

  override componentDidMount(): void {
    this.complete();
  }

  private complete(): void {
    const runtime = getRuntime();
    try {
      if (!runtime.ready) throw runtime.problem;
      runtime.session.completePopupCallback(window.location.href);
    } catch (error) {
      const failure = describeFailure(error);
      console.warn(`[kheops-auth] popup sign-in failed (${failure.code}): ${failure.message}`);
      this.setState({ phase: 'failed', failure });
    }
  }

  override render(): React.ReactNode {
    if (this.state.phase === 'failed') {
      const { failure } = this.state;
      return <StatusPage tone="refused" title="Sign-in failed" message={failure.message} hint="Close this window and try again from the viewer." code={failure.code} />;
    }
    return <StatusPage tone="working" title="Signed in" message="Returning to the viewer…" />;
  }
}
