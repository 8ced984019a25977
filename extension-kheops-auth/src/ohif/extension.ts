import { checkDataSources } from '../config/data-sources';
import { formatProblems, validateConfig } from '../config/validate';
import { KheopsAuthError } from '../errors';
import { APP_CONFIG_KEY, EXTENSION_ID } from '../id';
import { KheopsSession } from '../session/kheops-session';
import { wireAuthorization, type UserAuthenticationServiceLike } from './authorization';
import { routesCustomization } from './routes-customization';
import { getRuntime, setRuntime } from './runtime';

export interface PreRegistrationArgs {
  servicesManager: { services: { userAuthenticationService: UserAuthenticationServiceLike } };
  appConfig?: Record<string, unknown>;
  configuration?: Record<string, unknown>;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
}

/**
 * The extension's configuration comes either from `[extension, configuration]` in a source build,
 * or, when the prebuilt app loads the extension by URL (which allows no configuration pair), from
 * `window.config.kheopsAuth`.
 */
function readConfiguration({ appConfig, configuration }: PreRegistrationArgs): unknown {
  return isEmpty(configuration) ? appConfig?.[APP_CONFIG_KEY] : configuration;
}

async function preRegistration(args: PreRegistrationArgs): Promise<void> {
  const validation = validateConfig(readConfiguration(args));
  const problems = validation.ok ? checkDataSources(args.appConfig?.dataSources, validation.config.issuers) : validation.problems;
  if (!validation.ok || problems.length > 0) {
    const problem = new KheopsAuthError(
      'configuration_invalid',
      `The viewer's KHEOPS configuration is invalid:\n${formatProblems(problems)}`,
      'An administrator must correct app-config.js; no study can be opened from KHEOPS until then.',
    );
    // Register anyway so the sign-in routes exist and can show this instead of a blank 404.
    console.error(`[kheops-auth] ${problem.message}`);
    setRuntime({ ready: false, problem });
    return;
  }
  const session = new KheopsSession(validation.config, { viewerOrigin: window.location.origin, storage: window.sessionStorage });
  await session.restore();
  wireAuthorization(args.servicesManager.services.userAuthenticationService, session);
  setRuntime({ ready: true, config: validation.config, session });
}

function getCustomizationModule() {
  const runtime = getRuntime();
  return routesCustomization(runtime.ready ? runtime.config.routes : undefined);
}

/** The OHIF extension definition: sign-in routes, and the bearer token on every DICOMweb request. */
const kheopsAuthExtension = {
  id: EXTENSION_ID,
  preRegistration,
  getCustomizationModule,
};

export default kheopsAuthExtension;
