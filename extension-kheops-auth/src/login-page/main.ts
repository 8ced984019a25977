/**
 * Entry of the small login page (kheops-login.html): the third-party initiated login without the
 * OHIF app. The HTML loads /app-config.js first (window.config), then this module.
 */
import { renderRefusal } from './render-status';
import { startLogin } from './start-login';

async function main(): Promise<void> {
  const outcome = await startLogin({
    appConfig: (window as unknown as { config?: unknown }).config,
    search: window.location.search,
    origin: window.location.origin,
    storage: window.sessionStorage,
  });
  if (outcome.kind === 'refused') {
    console.warn(`[kheops-auth] launch refused (${outcome.failure.code}): ${outcome.failure.message}`);
    renderRefusal(document, outcome.failure);
  }
}

void main();
