import React from 'react';
import { parseThirdPartyLogin } from '../launch/third-party-login';
import { getRuntime } from '../ohif/runtime';
import { describeFailure, type FailureView } from './describe-failure';
import { StatusPage } from './StatusPage';

type LoginState = { phase: 'working' } | { phase: 'refused'; failure: FailureView };

/**
 * The third-party initiated login route (OIDC Core §4). A class component on purpose: OHIF renders
 * it with its own React, and hooks from the runtime bundle's React copy would fail there.
 */
export class LoginRoute extends React.Component<Record<string, unknown>, LoginState> {
  override state: LoginState = { phase: 'working' };

  override componentDidMount(): void {
    void this.start();
  }

  private refuse(failure: FailureView): void {
    console.warn(`[kheops-auth] launch refused (${failure.code}): ${failure.message}`);
    this.setState({ phase: 'refused', failure });
  }

  private async start(): Promise<void> {
    const runtime = getRuntime();
    if (!runtime.ready) {
      this.refuse(describeFailure(runtime.problem));
      return;
    }
    const launch = parseThirdPartyLogin(new URLSearchParams(window.location.search), runtime.config, window.location.origin);
    if (launch.kind === 'refusal') {
      this.refuse({ code: launch.code, message: launch.message, hint: 'Open the study again from KHEOPS. If this keeps happening, tell your administrator.' });
      return;
    }
    try {
      await runtime.session.beginSignIn(launch);
    } catch (error) {
      this.refuse(describeFailure(error));
    }
  }

  override render(): React.ReactNode {
    if (this.state.phase === 'refused') {
      const { failure } = this.state;
      return <StatusPage tone="refused" title="This launch was refused" message={failure.message} hint={failure.hint} code={failure.code} />;
    }
    return <StatusPage tone="working" title="Opening the study" message="Signing you in with KHEOPS…" />;
  }
}
