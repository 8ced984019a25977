import React from 'react';
import { describeQuestion, describeUnchanged, type DifferentUserQuestion } from '../launch/launch-conflict';
import { describeFailure } from '../login/describe-failure';
import { describeRefusal, type RefusalView } from '../login/describe-refusal';
import { refusalAddress } from '../launch/refusal-address';
import { decideLogin, type BeginSignIn, type CancelOutcome, type LoginOutcome } from '../login/login-decision';
import { STATUS_TEXT } from '../login/status-text';
import { runtime } from '../runtime';
import { navigateWithinApp } from './navigate';
import { RefusalScreen } from './RefusedRoute';
import { StatusPage } from './StatusPage';

type LoginState =
  | { phase: 'working' }
  | { phase: 'refused'; view: RefusalView }
  /** The launch would sign the tab in as someone else: nothing has left the page until the person answers. */
  | { phase: 'confirm'; question: DifferentUserQuestion; proceed(): Promise<LoginOutcome>; cancel(): CancelOutcome }
  | { phase: 'unchanged'; question: DifferentUserQuestion };

export interface LoginRouteProps {
  /** How the sign-in leaves for the provider; OHIF passes nothing, so it is the session code's redirect. */
  begin?: BeginSignIn;
}

/**
 * The third-party initiated login route (OIDC Core §4). A class component on purpose: OHIF renders
 * it with its own React, and hooks from the runtime bundle's React copy would fail there. The
 * decision is the small login page's (login/login-decision.ts); this only shows it.
 */
export class LoginRoute extends React.Component<LoginRouteProps, LoginState> {
  override state: LoginState = { phase: 'working' };

  override componentDidMount(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    const setup = runtime.setup;
    if (!setup.ready) {
      this.show({ kind: 'refused', failure: describeFailure(setup.problem) });
      return;
    }
    const input = { config: setup.config, search: window.location.search, origin: window.location.origin, storage: window.sessionStorage, now: () => Date.now() };
    this.show(await decideLogin(input, this.props.begin));
  }

  private show(outcome: LoginOutcome): void {
    if (outcome.kind === 'refused') {
      const { failure, issuer } = outcome;
      console.warn(`[kheops-auth] launch refused (${failure.code}): ${failure.message}`);
      // As the small login page does: whatever a hostile link smuggled into the parameters leaves the
      // history, and the refusal's own address (code and configured issuer) takes its place for a reload.
      window.history.replaceState(null, '', refusalAddress(failure.code, issuer));
      this.setState({ phase: 'refused', view: describeRefusal(failure.code, issuer, failure.message) });
    } else if (outcome.kind === 'confirm') {
      this.setState({ phase: 'confirm', question: outcome.question, proceed: outcome.proceed, cancel: outcome.cancel });
    }
  }

  private proceed(proceed: () => Promise<LoginOutcome>): void {
    this.setState({ phase: 'working' });
    void proceed().then(outcome => this.show(outcome));
  }

  /** Back to the viewer page the tab showed (its session untouched), or say that nothing changed. */
  private cancel(question: DifferentUserQuestion, cancel: () => CancelOutcome): void {
    const outcome = cancel();
    if (outcome.kind === 'return') navigateWithinApp(outcome.page);
    else this.setState({ phase: 'unchanged', question });
  }

  override render(): React.ReactNode {
    const { state } = this;
    if (state.phase === 'refused') return <RefusalScreen view={state.view} />;
    if (state.phase === 'confirm') {
      const view = describeQuestion(state.question);
      return (
        <StatusPage
          tone="confirm"
          title={view.title}
          message={view.message}
          actions={[
            { label: view.continueLabel, action: 'continue', onClick: () => this.proceed(state.proceed) },
            { label: view.cancelLabel, action: 'cancel', onClick: () => this.cancel(state.question, state.cancel) },
          ]}
        />
      );
    }
    if (state.phase === 'unchanged') {
      const view = describeUnchanged(state.question);
      return <StatusPage tone="unchanged" title={view.title} message={view.message} />;
    }
    return <StatusPage tone="working" title={STATUS_TEXT.signingIn.title} message={STATUS_TEXT.signingIn.message} />;
  }
}
