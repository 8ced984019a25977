import kheopsAuthExtension from './ohif/wiring/extension';

export default kheopsAuthExtension;
export { EXTENSION_ID, APP_CONFIG_KEY } from './id';
export { KheopsAuthError, type KheopsAuthErrorCode } from './errors';
export type { KheopsAuthConfig, KheopsAuthConfigInput, TrustedIssuer, KheopsAuthRoutes } from './config/types';
export { validateConfig, formatProblems, type ConfigProblem } from './config/validate';
export { checkDataSources } from './config/data-sources';
export { parseThirdPartyLogin } from './launch/third-party-login';
export { validateTarget } from './launch/target';
export type { LaunchResult, OidcLaunch, Refusal } from './launch/types';
