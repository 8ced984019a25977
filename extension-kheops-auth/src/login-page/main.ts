/**
 * Entry of the small login page (kheops-login.html): the third-party initiated login without the
 * OHIF app. The HTML loads /app-config.js first (window.config), then this module.
 */
import { describeQuestion, describeUnchanged } from '../launch/launch-conflict';
import { renderQuestion, renderRefusal, renderUnchanged } from './render-status';
import { redirectToProvider, type BeginSignIn, type LoginOutcome } from '../login/login-decision';
import { prefetchViewer, within } from './prefetch-viewer';
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

/** Longest the sign-in waits for the prefetches to be issued (one round trip for index.html, usually a 304). */
const PREFETCH_WAIT_MS = 400;

async function main(): Promise<void> {
  // Started first, beside the configuration check and the launch parsing; the page leaves for the
  // provider only once the prefetches are asked for (or PREFETCH_WAIT_MS has passed).
  const prefetching = prefetchViewer({
    document,
    fetch: window.fetch.bind(window),
    indexUrl: new URL('/index.html', window.location.origin),
    serviceWorker: 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
  });
  const begin: BeginSignIn = async (...args) => {
    await within(prefetching, PREFETCH_WAIT_MS, 0);
    return redirectToProvider(...args);
  };
  show(
    await startLogin({
      appConfig: (window as unknown as { config?: unknown }).config,
      search: window.location.search,
      origin: window.location.origin,
      storage: window.sessionStorage,
      now: () => Date.now(),
    }, begin),
  );
}

void main();
