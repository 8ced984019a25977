import { KheopsAuthError } from './errors';
import type { KheopsAuthConfig } from './config/types';
import type { Refusal } from './launch/types';
import type { AuthenticatedSession } from './ohif/data-source/authenticated-data-source';
import type { KheopsSession } from './session/kheops-session';
import { HeaderItems } from './ohif/header/header-items';

/** What preRegistration set up: a session over a checked configuration, or why there is none. */
export type KheopsAuthSetup =
  | { ready: true; config: KheopsAuthConfig; session: KheopsSession }
  | { ready: false; problem: KheopsAuthError };

/**
 * Everything the extension keeps for the page's life, in one object: set up by preRegistration and
 * onModeEnter (ohif/wiring/), read by the routes OHIF renders later and by the data source per request.
 * No other module of the extension holds state of its own.
 */
export interface KheopsAuthRuntime {
  setup: KheopsAuthSetup;
  /** The session as the data source sees it; set once the configuration is valid. */
  authenticatedSession: AuthenticatedSession | undefined;
  /** The last refused launch, for the refusal route to show in full (its URL carries only the code). */
  refusal: Refusal | undefined;
  /** The expiry of the static session whose "N min left" notice was shown (once per launch, not per mode enter). */
  announcedExpiry: number | undefined;
  /** Set by onModeEnter: shows a report the server refused to store, with the reason (undone on mode exit). */
  onSaveRefused: ((message: string) => void) | undefined;
  /** What onModeEnter set up in the page (listeners, timers, the badge), undone on mode exit. */
  undoOnModeExit: Array<() => void>;
  /**
   * One completion per callback URL: if OHIF mounts the callback route twice, the second mount waits
   * for the first exchange instead of presenting the single-use code again.
   */
  callbackCompletions: Map<string, Promise<{ target: string }>>;
  /** The extension's controls in OHIF's header (session indicator, save control), for the toolbar's hosts. */
  headerItems: HeaderItems;
}

export const runtime: KheopsAuthRuntime = {
  setup: {
    ready: false,
    problem: new KheopsAuthError(
      'configuration_invalid',
      'The KHEOPS sign-in extension was not initialised.',
      'Add the extension to window.config.extensions so that OHIF registers it at start-up.',
    ),
  },
  authenticatedSession: undefined,
  refusal: undefined,
  announcedExpiry: undefined,
  onSaveRefused: undefined,
  undoOnModeExit: [],
  callbackCompletions: new Map(),
  headerItems: new HeaderItems(),
};
