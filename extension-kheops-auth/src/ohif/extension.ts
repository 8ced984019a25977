import { checkDataSources } from '../config/data-sources';
import { formatProblems, validateConfig } from '../config/validate';
import { KheopsAuthError } from '../errors';
import { APP_CONFIG_KEY, EXTENSION_ID } from '../id';
import { KheopsSession } from '../session/kheops-session';
import { wireAuthorization, type UserAuthenticationServiceLike } from './authorization';
import { routesCustomization } from './routes-customization';
import { getRuntime, setRuntime } from './runtime';
import { hangingProtocolModule } from '../viewer/mip-protocol';
import { storePermission, type StorePermission } from '../session/store-permission';
import { guardStoreCommand, type CommandsManagerLike } from './store-guard';
import { watchRequestedSeries, type NoticeServices } from './requested-series-notice';
import { createAuthenticatedDataSourceModule, type AuthenticatedSession } from './authenticated-data-source';
import { Reauthentication, type ModalServiceLike } from './reauthentication';
import { announceSessionHealth, type NotificationServiceLike } from './session-notices';
import { browserPendingSaveStore } from '../session/pending-saves';
import { offerPendingSaves } from './pending-save-offer';
import { captureLegacyLaunch, completeLegacyLaunch, kheopsReturnUri, refuseCapturedLaunch, windowBrowser } from './legacy-launch';
import { announceStaticSessionHealth, enterStaticSession } from './static-session-notices';
import { guardUnsavedWork, type MeasurementServiceLike } from './unsaved-work-guard';
import { rememberViewerPage } from '../session/viewer-page';
import { enterSessionBadge, type BadgeServices } from './viewer-session-badge';
import { browserTimers } from '../session/token-keeper';

export interface PreRegistrationArgs {
  servicesManager: {
    services: { userAuthenticationService: UserAuthenticationServiceLike; uiModalService: ModalServiceLike; uiNotificationService: NotificationServiceLike };
  };
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
  // First of all: a launch URL of released KHEOPS holds a token; it leaves the address bar and history now.
  const browser = windowBrowser();
  const legacyLaunch = captureLegacyLaunch(browser);
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
    if (legacyLaunch) refuseCapturedLaunch(browser, { kind: 'refusal', code: problem.code, message: problem.message });
    return;
  }
  const { services } = args.servicesManager;
  const session = new KheopsSession(validation.config, { viewerOrigin: window.location.origin, storage: window.sessionStorage });
  const reauthentication = new Reauthentication(
    services.uiModalService,
    () => session.signedInUser()?.issuer.displayName ?? 'KHEOPS',
    onWindowClosed => session.signInAgain(window, onWindowClosed),
    () => session.canSignInAgain(),
  );
  // The sign-in prompt itself opens when a request needs a token; opened here it would replace
  // whatever OHIF dialog is open (the report name dialog of a save in progress, say).
  session.onHealthChange(health =>
    session.canSignInAgain() ? announceSessionHealth(services.uiNotificationService, health) : announceStaticSessionHealth(services.uiNotificationService, health),
  );
  authenticatedSession = {
    renewNow: () => session.renewNow(),
    reauthenticate: () => reauthentication.reauthenticate(),
    ensureFresh: () => session.freshAuthorizationHeader().then(() => undefined),
    userId: () => session.signedInUser()?.subject,
    pendingSaves: browserPendingSaveStore(),
  };
  const outcome = legacyLaunch ? await completeLegacyLaunch(legacyLaunch, validation.config, session, browser) : undefined;
  if (outcome?.kind !== 'launched') await session.restore();
  wireAuthorization(services.userAuthenticationService, session);
  setRuntime({ ready: true, config: validation.config, session });
}

/** Set once the configuration is valid; the data source reads it per request. */
let authenticatedSession: AuthenticatedSession | undefined;

/** Asked at save time, so it follows the session (a renewal may change the granted scopes). */
function currentStorePermission(): StorePermission {
  const runtime = getRuntime();
  return runtime.ready ? storePermission(runtime.session.signedInUser()) : { allowed: false, reason: runtime.problem.message };
}

interface ExtensionManagerWithDataSource {
  getActiveDataSource(): Array<{ store: { dicom(dataset: unknown): Promise<unknown> } }>;
}

/** Offers the reports of this study that were still waiting for a sign-in when their tab was closed. */
function offerWaitingReports(services: { uiModalService: ModalServiceLike; uiNotificationService: NotificationServiceLike }, extensionManager: ExtensionManagerWithDataSource): void {
  const user = authenticatedSession?.userId();
  const studyInstanceUID = new URLSearchParams(window.location.search).get('StudyInstanceUIDs')?.split(',')[0];
  if (!authenticatedSession || !user || !studyInstanceUID) return;
  offerPendingSaves({
    store: authenticatedSession.pendingSaves,
    user,
    studyInstanceUID,
    modal: services.uiModalService,
    notifications: services.uiNotificationService,
    send: async dataset => {
      const [dataSource] = extensionManager.getActiveDataSource();
      if (!dataSource) throw new Error('no data source is active');
      await dataSource.store.dicom(dataset);
    },
  }).catch(error => console.warn('[kheops-auth] could not read the reports waiting to be sent', error));
}

/** What onModeEnter set up in the page (listeners, timers, the badge), undone on mode exit. */
const undoOnModeExit: Array<() => void> = [];

/**
 * OHIF calls every registered extension's onModeEnter once its commands are registered and before
 * the study loads: the moment to put the write-access check in front of OHIF's save paths, to start
 * watching whether the series the launch named is in the study, and to show the session's state.
 */
function onModeEnter({
  commandsManager,
  servicesManager,
  extensionManager,
}: {
  commandsManager: CommandsManagerLike;
  servicesManager: {
    services: NoticeServices & BadgeServices & { uiModalService: ModalServiceLike; uiNotificationService: NotificationServiceLike; measurementService?: MeasurementServiceLike };
  };
  extensionManager: ExtensionManagerWithDataSource;
}): void {
  onModeExit();
  // Where a launch this tab's person cancels comes back to (login-page/, routes/LoginRoute.tsx).
  rememberViewerPage(window.sessionStorage, window.location);
  const { services } = servicesManager;
  if (services.measurementService) undoOnModeExit.push(guardUnsavedWork(services.measurementService, commandsManager, window));
  offerWaitingReports(services, extensionManager);
  if (!guardStoreCommand(commandsManager, currentStorePermission)) {
    console.warn('[kheops-auth] OHIF has no createStoreFunction command; saving is not checked against the granted scopes.');
  }
  undoOnModeExit.push(watchRequestedSeries(services, () => window.location.search));
  const runtime = getRuntime();
  if (runtime.ready) {
    undoOnModeExit.push(
      enterStaticSession(runtime.session, services.uiNotificationService, kheopsReturnUri(), { now: () => Date.now(), timers: browserTimers }),
      enterSessionBadge(runtime.session, services, kheopsReturnUri()),
    );
  }
}

function onModeExit(): void {
  undoOnModeExit.splice(0).forEach(undo => undo());
}

function getCustomizationModule() {
  const runtime = getRuntime();
  return routesCustomization(runtime.ready ? runtime.config.routes : undefined);
}

/** The OHIF extension definition: sign-in routes, and the bearer token on every DICOMweb request. */
const kheopsAuthExtension = {
  id: EXTENSION_ID,
  preRegistration,
  onModeEnter,
  onModeExit,
  getCustomizationModule,
  getHangingProtocolModule: hangingProtocolModule,
  getDataSourcesModule: () => createAuthenticatedDataSourceModule(() => authenticatedSession),
};

export default kheopsAuthExtension;
