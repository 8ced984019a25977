/** One OpenID provider the viewer accepts launches from, and the DICOMweb server its tokens are for. */
export interface TrustedIssuer {
  /** Exact issuer identifier (`iss`), compared character for character. */
  issuer: string;
  /** The viewer's public client id at that provider. */
  clientId: string;
  /** Scopes asked for; `read` lets the viewer load studies, `write` lets it store reports. */
  scope: string;
  /** The only DICOMweb root this issuer's access tokens are sent to. */
  dicomWebRoot: string;
  /** Name shown to people, such as "KHEOPS". */
  displayName: string;
  /**
   * How this KHEOPS may open the viewer: 'oidc' (third-party initiated login, refreshable), and the
   * launches released KHEOPS uses, which put a non-renewable token in the URL: 'viewer-link'
   * (`?url=<API>/api/link/<token>/ohifservermetadata`) and 'report-provider' (implicit-flow fragment);
   * 'bridge': this entry is the report-provider bridge mounted on the viewer's own origin (`issuer` its
   * public URL, `dicomWebRoot` its `/dicomweb`), which holds KHEOPS's token in a sealed cookie.
   */
  launches: LaunchKind[];
  /**
   * The realm (the `issuer` of an entry in `issuers`, this one's own or another with the same
   * `dicomWebRoot`) through which this KHEOPS's viewer-link and report-provider launches are upgraded
   * to a renewable session with one silent sign-in (`prompt=none`). Unset: no upgrade (launch/launch-upgrade.ts).
   */
  upgradeThrough?: string | undefined;
  /**
   * When set, sign-out also ends the person's session at the provider (OpenID RP-Initiated Logout:
   * `end_session_endpoint` with `id_token_hint`), and the provider then sends its window here; it must
   * be registered at the provider as a post-logout redirect URI. Unset: the tokens are revoked, and
   * the provider's own session (its sign-in cookie) is left as it is.
   */
  postLogoutRedirectUri?: string | undefined;
  /**
   * Who decides whether this session may store reports (STOW). 'server-decides' (the default): the
   * save is tried and the DICOMweb server answers; a refusal (403) keeps the report waiting and
   * downloadable. `{ scope }`: saving is allowed only when the granted scopes include that one, and
   * a session without it is told why before any request. Keycloak tokens carry no read/write scopes
   * (KHEOPS decides per album), so only a provider that grants them can use `{ scope }`.
   */
  savePermission: SavePermission;
  /**
   * The address of this KHEOPS's own pages (where clinicians open studies). Refusal screens offer
   * "Back to KHEOPS" there; it comes from the configuration only, never from a launch's parameters.
   */
  kheopsUrl?: string | undefined;
}

export type SavePermission = 'server-decides' | { scope: string };
export const DEFAULT_SAVE_PERMISSION: SavePermission = 'server-decides';

export type LaunchKind = 'oidc' | 'viewer-link' | 'report-provider' | 'bridge';
export const LAUNCH_KINDS: readonly LaunchKind[] = ['oidc', 'viewer-link', 'report-provider', 'bridge'];
export const DEFAULT_LAUNCHES: readonly LaunchKind[] = ['oidc'];

export interface KheopsAuthRoutes {
  /** Third-party initiated login (OIDC Core §4): the URL KHEOPS sends browsers to. */
  login: string;
  /** Redirect URI registered at the provider. */
  callback: string;
  /** Redirect URI of the sign-in popup that renews an ended session without leaving the page. */
  popupCallback: string;
}

export interface KheopsAuthConfig {
  issuers: TrustedIssuer[];
  routes: KheopsAuthRoutes;
  /** `target_link_uri` must be on the viewer's origin and under one of these paths. */
  allowedTargetPaths: string[];
  /** Where a launch without `target_link_uri` lands. */
  defaultTarget: string;
}

/** What deployers write in the app config; everything but the issuers has a default. */
export interface KheopsAuthConfigInput {
  issuers?: Array<Partial<TrustedIssuer>>;
  routes?: Partial<KheopsAuthRoutes>;
  allowedTargetPaths?: string[];
  defaultTarget?: string;
}

export const DEFAULT_SCOPE = 'openid profile offline_access read write';
export const DEFAULT_ROUTES: KheopsAuthRoutes = {
  login: '/kheops/login',
  callback: '/kheops/callback',
  popupCallback: '/kheops/popup-callback',
};
export const DEFAULT_ALLOWED_TARGET_PATHS = ['/kheops'];

/** Public route that shows why a launch with a token in its URL was refused; its query holds only the reason code. */
export const REFUSED_ROUTE = '/kheops/refused';
/** Where KHEOPS sends a report provider's implicit-flow response (the `redirect_uri` to register). */
export const REPORT_PROVIDER_ROUTE = '/kheops/report';
/** Where the report-provider bridge sends the browser once it holds the launch's token (launch/bridge-landing.ts). */
export const BRIDGE_LANDING_ROUTE = '/kheops/bridge';

/**
 * Every route the extension itself answers. None of them is a place a launch may land: a target at
 * the login route would chain a second, silent sign-in; at a callback it would replay a response.
 */
export function extensionRoutes(routes: KheopsAuthRoutes): string[] {
  return [routes.login, routes.callback, routes.popupCallback, REFUSED_ROUTE, REPORT_PROVIDER_ROUTE, BRIDGE_LANDING_ROUTE];
}
