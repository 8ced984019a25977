/**
 * Entry of the small login page (kheops-login.html): the third-party initiated login without the
 * OHIF app. The HTML loads /app-config.js first (window.config), then this module.
 */
import { describeQuestion, describeUnchanged } from '../launch/launch-conflict';
import { renderQuestion, renderRefusal, renderUnchanged } from './render-status';
import type { LoginOutcome } from '../login/login-decision';
import { startLogin } from './start-login';
import { refusalAddress } from '../launch/refusal-address';
import { describeRefusal } from '../login/describe-refusal';

function show(outcome: LoginOutcome): void {
  if (outcome.kind === 'refused') {
    console.warn(`[kheops-auth] launch refused (${outcome.failure.code}): ${outcome.failure.message}`);
    // The refused launch's parameters leave the address bar and history: whatever a hostile link
    // smuggled into them (a token for OHIF's `token` parameter, say) is not kept in this tab. The
    // refusal's own address takes their place, so a reload shows the same reason (routes/RefusedRoute.tsx).
    const { issuer } = outcome;
    window.history.replaceState(null, '', refusalAddress(outcome.failure.code, issuer));
    renderRefusal(document, describeRefusal(outcome.failure.code, issuer, outcome.failure.message));
  } else if (outcome.kind === 'confirm') {
    renderQuestion(document, describeQuestion(outcome.question), {
      onContinue: () => void outcome.proceed().then(show),
      onCancel: () => {
        const cancelled = outcome.cancel();
        // replace(): the login URL leaves the history, so Back does not ask again.
        if (cancelled.kind === 'return') window.location.replace(cancelled.page);
        else renderUnchanged(document, describeUnchanged(outcome.question));
      },
    });
  }
}

async function main(): Promise<void> {
  show(
    await startLogin({
      appConfig: (window as unknown as { config?: unknown }).config,
      search: window.location.search,
      origin: window.location.origin,
      storage: window.sessionStorage,
      now: () => Date.now(),
    }),
  );
}

void main();
