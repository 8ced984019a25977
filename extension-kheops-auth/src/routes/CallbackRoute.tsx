import React from 'react';
import { STATUS_TEXT } from '../login/status-text';
import { runtime } from '../runtime';
import { describeFailure, type FailureView } from '../login/describe-failure';
import { navigateWithinApp, scrubCurrentUrl } from './navigate';
import { StatusPage } from './StatusPage';

type CallbackState = { phase: 'working' } | { phase: 'failed'; failure: FailureView };

/** The redirect URI: completes the code exchange, then moves to the study the launch asked for. */
export class CallbackRoute extends React.Component<Record<string, unknown>, CallbackState> {
  override state: CallbackState = { phase: 'working' };

  override componentDidMount(): void {
    void this.complete();
  }

  private async complete(): Promise<void> {
    const setup = runtime.setup;
    if (!setup.ready) {
      this.fail(describeFailure(setup.problem));
      return;
    }
    // One completion per callback URL (runtime.ts): a second mount waits for the first exchange.
    const completions = runtime.callbackCompletions;
    const callbackUrl = window.location.href;
    try {
      let completion = completions.get(callbackUrl);
      if (!completion) {
        completion = setup.session.completeSignIn(callbackUrl);
        completions.set(callbackUrl, completion);
      }
      const { target } = await completion;
      navigateWithinApp(target);
    } catch (error) {
      this.fail(describeFailure(error));
    }
  }

  private fail(failure: FailureView): void {
    // The code and state are single-use; keep them out of the history whatever happened.
    scrubCurrentUrl();
    console.warn(`[kheops-auth] sign-in failed (${failure.code}): ${failure.message}`);
    this.setState({ phase: 'failed', failure });
  }

  override render(): React.ReactNode {
    if (this.state.phase === 'failed') {
      const { failure } = this.state;
      return <StatusPage tone="refused" title={STATUS_TEXT.signInFailed.title} message={failure.message} hint={failure.hint} code={failure.code} />;
    }
    return <StatusPage tone="working" title={STATUS_TEXT.completing.title} message={STATUS_TEXT.completing.message} />;
  }
}
