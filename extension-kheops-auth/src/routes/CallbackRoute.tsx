import React from 'react';
import { getRuntime } from '../ohif/runtime';
import { describeFailure, type FailureView } from './describe-failure';
import { navigateWithinApp, scrubCurrentUrl } from './navigate';
import { StatusPage } from './StatusPage';

/**
 * One completion per callback URL: if OHIF mounts the route twice, the second mount must wait for
 * the first exchange instead of presenting the single-use code again.
 */
const completions = new Map<string, Promise<{ target: string }>>();

type CallbackState = { phase: 'working' } | { phase: 'failed'; failure: FailureView };

/** The redirect URI: completes the code exchange, then moves to the study the launch asked for. */
export class CallbackRoute extends React.Component<Record<string, unknown>, CallbackState> {
  override state: CallbackState = { phase: 'working' };

  override componentDidMount(): void {
    void this.complete();
  }

  private async complete(): Promise<void> {
    const runtime = getRuntime();
    if (!runtime.ready) {
      this.fail(describeFailure(runtime.problem));
      return;
    }
    const callbackUrl = window.location.href;
    try {
      let completion = completions.get(callbackUrl);
      if (!completion) {
        completion = runtime.session.completeSignIn(callbackUrl);
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
      return <StatusPage tone="refused" title="Sign-in failed" message={failure.message} hint={failure.hint} code={failure.code} />;
    }
    return <StatusPage tone="working" title="Opening the study" message="Completing the sign-in…" />;
  }
}
