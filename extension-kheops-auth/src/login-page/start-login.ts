import { checkedConfig } from '../config/checked-config';
import type { KheopsAuthConfig } from '../config/types';
import { KheopsAuthError } from '../errors';
import { APP_CONFIG_KEY } from '../id';
import { describeFailure } from '../login/describe-failure';
import { decideLogin, type BeginSignIn, type LoginOutcome } from '../login/login-decision';

/** What the page knows when it starts: the app config (window.config), its own URL, and the tab's storage. */
export interface LoginPageInput {
  appConfig: unknown;
  /** `location.search` of the login page. */
  search: string;
  /** `location.origin`: the viewer's origin, which `target_link_uri` must be on. */
  origin: string;
  storage: Storage;
  /** Epoch milliseconds (Date.now), to tell a live session from an expired one. */
  now?: () => number;
}

/**
 * window.config as the page found it, checked as the extension's preRegistration checks it, so a
 * deployment the viewer would refuse never sends anyone to the provider.
 */
function readConfig(appConfig: unknown): KheopsAuthConfig {
  if (typeof appConfig !== 'object' || appConfig === null) {
    throw new KheopsAuthError(
      'configuration_invalid',
      typeof appConfig === 'function'
        ? 'window.config is a function, which only the full viewer can evaluate; this login page needs a plain object.'
        : 'window.config is missing: /app-config.js did not load or did not set it.',
      'An administrator must serve the in-viewer login route instead, or correct app-config.js.',
    );
  }
  const record = appConfig as Record<string, unknown>;
  return checkedConfig(record[APP_CONFIG_KEY], record.dataSources);
}

/** The whole login page: check the configuration, then the same login decision as the in-viewer route, without booting OHIF. */
export async function startLogin(input: LoginPageInput, begin?: BeginSignIn): Promise<LoginOutcome> {
  let config: KheopsAuthConfig;
  try {
    config = readConfig(input.appConfig);
  } catch (error) {
    return { kind: 'refused', failure: describeFailure(error) };
  }
  return decideLogin({ config, search: input.search, origin: input.origin, storage: input.storage, now: input.now ?? Date.now }, begin);
}
