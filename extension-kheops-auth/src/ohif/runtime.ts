import { KheopsAuthError } from '../errors';
import type { KheopsAuthConfig } from '../config/types';
import type { KheopsSession } from '../session/kheops-session';

/** What preRegistration set up, shared with the route components OHIF renders later. */
export type KheopsAuthRuntime =
  | { ready: true; config: KheopsAuthConfig; session: KheopsSession }
  | { ready: false; problem: KheopsAuthError };

let runtime: KheopsAuthRuntime = {
  ready: false,
  problem: new KheopsAuthError(
    'configuration_invalid',
    'The KHEOPS sign-in extension was not initialised.',
    'Add the extension to window.config.extensions so that OHIF registers it at start-up.',
  ),
};

export function setRuntime(next: KheopsAuthRuntime): void {
  runtime = next;
}

export function getRuntime(): KheopsAuthRuntime {
  return runtime;
}
