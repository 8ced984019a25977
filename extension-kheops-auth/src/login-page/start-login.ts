import { checkDataSources } from '../config/data-sources';
import type { KheopsAuthConfig } from '../config/types';
import { formatProblems, validateConfig } from '../config/validate';
import { KheopsAuthError } from '../errors';
import { APP_CONFIG_KEY } from '../id';
import { launchConflict, type DifferentUserQuestion } from '../launch/launch-conflict';
import { parseThirdPartyLogin } from '../launch/third-party-login';
import type { OidcLaunch } from '../launch/types';
import { describeFailure, type FailureView } from '../routes/describe-failure';
import { beginSignIn } from '../session/issuer-client';
import { readTabUser } from '../session/tab-user';
import { readViewerPage } from '../session/viewer-page';

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

/** Sends the browser to the provider; injectable so tests need no network and no oidc-client-ts. */
export type BeginSignIn = (config: KheopsAuthConfig, launch: OidcLaunch, input: LoginPageInput) => Promise<void>;

/** Where the tab goes when the person cancels a launch: back to its viewer page, or nowhere ("nothing was changed"). */
export type CancelOutcome = { kind: 'return'; page: string } | { kind: 'unchanged' };

export type LoginPageOutcome =
  | { kind: 'redirecting' }
  | { kind: 'refused'; failure: FailureView }
  /** The launch would replace the tab's session with someone else's: ask first. Nothing has left the page yet. */
  | { kind: 'confirm'; question: DifferentUserQuestion; proceed(): Promise<LoginPageOutcome>; cancel(): CancelOutcome };

/** The hint the in-viewer login route shows for a launch it refuses (routes/LoginRoute.tsx). */
export const LAUNCH_REFUSED_HINT = 'Open the study again from KHEOPS. If this keeps happening, tell your administrator.';

/**
 * The same session code as the viewer's: the sign-in state lands in sessionStorage under the
 * extension's prefix, so OHIF's /kheops/callback route completes it.
 */
const beginWithSession: BeginSignIn = (config, launch, input) => beginSignIn(launch, config.routes, { viewerOrigin: input.origin, storage: input.storage });

/**
 * The checks the extension's preRegistration makes before it trusts a configuration: the kheopsAuth
 * section is valid and no DICOMweb data source would receive tokens meant elsewhere. The page refuses
 * on the same grounds, so a deployment the viewer would refuse never sends anyone to the provider.
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
  const validation = validateConfig(record[APP_CONFIG_KEY]);
  const problems = validation.ok ? checkDataSources(record.dataSources, validation.config.issuers) : validation.problems;
  if (!validation.ok || problems.length > 0) {
    throw new KheopsAuthError(
      'configuration_invalid',
      `The viewer's KHEOPS configuration is invalid:\n${formatProblems(problems)}`,
      'An administrator must correct app-config.js; no study can be opened from KHEOPS until then.',
    );
  }
  return validation.config;
}

/**
 * The whole login page: validate the configuration, parse the third-party initiated login
 * (OIDC Core §4) and start the code flow with PKCE, exactly as the in-viewer route does, but
 * without booting OHIF. Never throws: every failure becomes a refusal to show.
 */
export async function startLogin(input: LoginPageInput, begin: BeginSignIn = beginWithSession): Promise<LoginPageOutcome> {
  let config: KheopsAuthConfig;
  try {
    config = readConfig(input.appConfig);
  } catch (error) {
    return { kind: 'refused', failure: describeFailure(error) };
  }
  const launch = parseThirdPartyLogin(new URLSearchParams(input.search), config, input.origin);
  if (launch.kind === 'refusal') {
    return { kind: 'refused', failure: { code: launch.code, message: launch.message, hint: LAUNCH_REFUSED_HINT } };
  }
  const proceed = async (): Promise<LoginPageOutcome> => {
    try {
      await begin(config, launch, input);
      return { kind: 'redirecting' };
    } catch (error) {
      return { kind: 'refused', failure: describeFailure(error) };
    }
  };
  const question = launchConflict(readTabUser(input.storage, config.issuers, (input.now ?? Date.now)()), launch);
  if (!question) return proceed();
  return {
    kind: 'confirm',
    question,
    proceed,
    cancel: () => {
      const page = readViewerPage(input.storage, input.origin, config.allowedTargetPaths);
      return page ? { kind: 'return', page } : { kind: 'unchanged' };
    },
  };
}
