import type { KheopsAuthConfig, TrustedIssuer } from '../config/types';
import { launchIssuer } from '../launch/refusal-address';
import { launchConflict, type DifferentUserQuestion } from '../launch/launch-conflict';
import { parseThirdPartyLogin } from '../launch/third-party-login';
import type { OidcLaunch } from '../launch/types';
import { beginSignIn, type BrowserEnvironment } from '../session/issuer-client';
import { readTabUser } from '../session/tab-user';
import { readViewerPage } from '../session/viewer-page';
import { describeFailure, type FailureView } from './describe-failure';
import { STATUS_TEXT } from './status-text';

/** What a login entry point knows: the checked configuration, its own URL, and the tab's storage. */
export interface LoginInput {
  config: KheopsAuthConfig;
  /** `location.search` of the login URL. */
  search: string;
  /** `location.origin`: the viewer's origin, which `target_link_uri` must be on. */
  origin: string;
  storage: Storage;
  /** Epoch milliseconds (Date.now), to tell a live session from an expired one. */
  now(): number;
}

/** Sends the browser to the provider; injectable so tests need no network and no oidc-client-ts. */
export type BeginSignIn = (config: KheopsAuthConfig, launch: OidcLaunch, environment: BrowserEnvironment) => Promise<void>;

/** The session code's own redirect: the sign-in state lands in the tab's sessionStorage, where /kheops/callback finds it. */
export const redirectToProvider: BeginSignIn = (config, launch, environment) => beginSignIn(launch, config.routes, environment);

/** Where the tab goes when the person cancels a launch: back to its viewer page, or nowhere ("nothing was changed"). */
export type CancelOutcome = { kind: 'return'; page: string } | { kind: 'unchanged' };

export type LoginOutcome =
  | { kind: 'redirecting' }
  /** `issuer`: the trusted issuer the launch named, whose configured way back to KHEOPS the refusal offers. */
  | { kind: 'refused'; failure: FailureView; issuer?: TrustedIssuer | undefined }
  /** The launch would replace the tab's session with someone else's: ask first. Nothing has left the page yet. */
  | { kind: 'confirm'; question: DifferentUserQuestion; proceed(): Promise<LoginOutcome>; cancel(): CancelOutcome };

/**
 * The third-party initiated login (OIDC Core §4), decided once for both entry points (the in-viewer
 * route and the small login page): parse and check the launch, ask before replacing someone else's
 * session, then start the code flow with PKCE. Never throws: every failure becomes a refusal to show.
 */
export async function decideLogin(input: LoginInput, begin: BeginSignIn = redirectToProvider): Promise<LoginOutcome> {
  const { config } = input;
  const launch = parseThirdPartyLogin(new URLSearchParams(input.search), config, input.origin);
  if (launch.kind === 'refusal') {
    return {
      kind: 'refused',
      failure: { code: launch.code, message: launch.message, hint: STATUS_TEXT.launchRefused.hint },
      issuer: launchIssuer(input.search, config.issuers),
    };
  }
  const proceed = async (): Promise<LoginOutcome> => {
    try {
      await begin(config, launch, { viewerOrigin: input.origin, storage: input.storage });
      return { kind: 'redirecting' };
    } catch (error) {
      return { kind: 'refused', failure: describeFailure(error), issuer: launch.issuer };
    }
  };
  const question = launchConflict(readTabUser(input.storage, config.issuers, input.now()), launch);
  if (!question) return proceed();
  return {
    kind: 'confirm',
    question,
    proceed,
    cancel: () => {
      const page = readViewerPage(input.storage, input.origin, config);
      return page ? { kind: 'return', page } : { kind: 'unchanged' };
    },
  };
}
