import React from 'react';
import { describeQuestion, describeUnchanged, launchConflict, type DifferentUserQuestion } from '../launch/launch-conflict';
import { parseThirdPartyLogin } from '../launch/third-party-login';
import type { OidcLaunch } from '../launch/types';
import { getRuntime } from '../ohif/runtime';
import { readTabUser } from '../session/tab-user';
import { readViewerPage } from '../session/viewer-page';
import { describeFailure, type FailureView } from './describe-failure';
import { navigateWithinApp, scrubCurrentUrl } from './navigate';
import { StatusPage } from './StatusPage';

type LoginState =
  | { phase: 'working' }
  | { phase: 'refused'; failure: FailureView }
  /** The launch would sign the tab in as someone else: nothing has left the page until the person answers. */
  | { phase: 'confirm'; question: DifferentUserQuestion; launch: OidcLaunch }
  | { phase: 'unchanged'; question: DifferentUserQuestion };

/**
 * The third-party initiated login route (OIDC Core §4). A class component on purpose: OHIF renders
 * it with its own React, and hooks from the runtime bundle's React copy would fail there. Makes the
 * same decisions as the small login page (login-page/start-login.ts), from the same functions.
 */
export class LoginRoute extends React.Component<Record<string, unknown>, LoginState> {
  override state: LoginState = { phase: 'working' };

  override componentDidMount(): void {
    void this.start();
  }

  private refuse(failure: FailureView): void {
    console.warn(`[kheops-auth] launch refused (${failure.code}): ${failure.message}`);
    // As the small login page does: whatever a hostile link smuggled into the parameters leaves the history.
    scrubCurrentUrl();
    this.setState({ phase: 'refused', failure });
  }

  private start(): Promise<void> {
    const runtime = getRuntime();
    if (!runtime.ready) {
      this.refuse(describeFailure(runtime.problem));
      return Promise.resolve();
    }
    const launch = parseThirdPartyLogin(new URLSearchParams(window.location.search), runtime.config, window.location.origin);
    if (launch.kind === 'refusal') {
      this.refuse({ code: launch.code, message: launch.message, hint: 'Open the study again from KHEOPS. If this keeps happening, tell your administrator.' });
      return Promise.resolve();
    }
    const question = launchConflict(readTabUser(window.sessionStorage, runtime.config.issuers, Date.now()), launch);
    if (question) {
      this.setState({ phase: 'confirm', question, launch });
      return Promise.resolve();
    }
    return this.signIn(launch);
  }

  private async signIn(launch: OidcLaunch): Promise<void> {
    const runtime = getRuntime();
    if (!runtime.ready) return;
    this.setState({ phase: 'working' });
    try {
      await runtime.session.beginSignIn(launch);
    } catch (error) {
      this.refuse(describeFailure(error));
    }
  }

  /** Back to the viewer page the tab showed (its session untouched), or say that nothing changed. */
  private cancel(question: DifferentUserQuestion): void {
    const runtime = getRuntime();
    const page = runtime.ready ? readViewerPage(window.sessionStorage, window.location.origin, runtime.config.allowedTargetPaths) : undefined;
    if (page) navigateWithinApp(page);
    else this.setState({ phase: 'unchanged', question });
  }

  override render(): React.ReactNode {
    const { state } = this;
    if (state.phase === 'refused') {
      const { failure } = state;
      return <StatusPage tone="refused" title="This launch was refused" message={failure.message} hint={failure.hint} code={failure.code} />;
    }
    if (state.phase === 'confirm') {
      const view = describeQuestion(state.question);
      return (
        <StatusPage
          tone="confirm"
          title={view.title}
          message={view.message}
          actions={[
            { label: view.continueLabel, action: 'continue', onClick: () => void this.signIn(state.launch) },
            { label: view.cancelLabel, action: 'cancel', onClick: () => this.cancel(state.question) },
          ]}
        />
      );
    }
    if (state.phase === 'unchanged') {
      const view = describeUnchanged(state.question);
      return <StatusPage tone="unchanged" title={view.title} message={view.message} />;
    }
    return <StatusPage tone="working" title="Opening the study" message="Signing you in with KHEOPS…" />;
  }
}
