import { checkedConfig } from '../../config/checked-config';
import type { KheopsAuthConfig } from '../../config/types';
import { KheopsAuthError } from '../../errors';
import { describeFailure } from '../../login/describe-failure';
import { APP_CONFIG_KEY, EXTENSION_ID } from '../../id';
import { KheopsSession } from '../../session/kheops-session';
import type { CommandsManager, ExtensionManager, ModalService, NotificationService, Services } from '../api';
import { wireAuthorization } from '../data-source/authorization';
import { routesCustomization } from './routes-customization';
import { runtime } from '../../runtime';
import { hangingProtocolModule } from '../viewing/mip-protocol';
import { storePermission, type StorePermission } from '../../session/store-permission';
import { guardStoreCommand } from '../saves/store-guard';
import { watchRequestedSeries } from '../viewing/requested-series-notice';
import { createAuthenticatedDataSourceModule } from '../data-source/authenticated-data-source';
import { Reauthentication } from '../session-ui/reauthentication';
import { announceSessionHealth } from '../session-ui/session-notices';
import { browserPendingSaveStore } from '../../session/pending-saves';
import { offerPendingSaves } from '../saves/pending-save-offer';
import { completeBridgeLanding, isBridgeLanding, windowBridgeBrowser } from '../../launch/bridge-landing';
import { captureLegacyLaunch, completeLegacyLaunch, refuseCapturedLaunch, windowBrowser } from '../../launch/legacy-launch-capture';
import { announceStaticSessionHealth, enterStaticSession } from '../session-ui/static-session-notices';
import { guardUnsavedWork } from '../saves/unsaved-work-guard';
import { rememberViewerPage } from '../../session/viewer-page';
import { enterSessionBadge } from '../session-ui/viewer-session-badge';
import { browserTimers } from '../../session/token-keeper';
import { clearUpgradeOutcome, saveUpgradeOutcome } from '../../session/silent-upgrade';
import { announceUpgradeOutcome, upgradeNote } from '../session-ui/upgrade-notice';
import { kheopsToolbarModule, SAVE_REPORT, SESSION_INDICATOR } from '../header/toolbar-module';
import { enterReportSaving } from '../saves/report-saving';
import { installHttpErrorHandler } from '../viewing/http-error-handler';
import { enterEndedSessionGuard } from '../viewing/ended-session-guard';
import { mipOverlayCustomization } from '../viewing/mip-overlay';
import { paceMipRedrawsWhileStreaming } from '../viewing/mip-streaming-redraws';
import { unlistUnstoredReports } from '../saves/unstored-report';
import { appCornerstone } from '../app-cornerstone';
import { keepWork, restoreKeptWork } from '../saves/kept-work';

/** The name people know the signed-in person's platform by, for messages; KHEOPS when no one is signed in. */
function platformName(session: KheopsSession): string {
  return session.signedInUser()?.issuer.displayName ?? 'KHEOPS';
}

/** The study the viewer shows: the first of the page address's `StudyInstanceUIDs`. */
function viewedStudyUID(): string | undefined {
  return new URLSearchParams(window.location.search).get('StudyInstanceUIDs')?.split(',')[0];
}

/** How long preRegistration waits for the page to leave for the realm before it goes on with the static session. */
const UPGRADE_DEPARTURE_TIMEOUT_MS = 15_000;

export interface PreRegistrationArgs {
  servicesManager: {
    services: Pick<Services, 'userAuthenticationService' | 'uiModalService' | 'uiNotificationService'>;
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
  installHttpErrorHandler(args.appConfig);
  let config: KheopsAuthConfig;
  try {
    config = checkedConfig(readConfiguration(args), args.appConfig?.dataSources);
  } catch (error) {
    const problem = describeFailure(error);
    // Register anyway so the sign-in routes exist and can show this instead of a blank 404.
    console.error(`[kheops-auth] ${problem.message}`);
    runtime.setup = { ready: false, problem: error instanceof KheopsAuthError ? error : new KheopsAuthError(problem.code, problem.message, problem.hint) };
    if (legacyLaunch) {
      const refusal = { kind: 'refusal' as const, code: problem.code, message: problem.message };
      runtime.refusal = refusal;
      refuseCapturedLaunch(browser, refusal);
    }
    return;
  }
  const { services } = args.servicesManager;
  const session = new KheopsSession(config, { viewerOrigin: window.location.origin, storage: window.sessionStorage });
  const reauthentication = new Reauthentication(
    services.uiModalService,
    () => platformName(session),
    onWindowClosed => session.signInAgain(window, onWindowClosed),
    () => session.isRenewable(),
  );
  // The sign-in prompt itself opens when a request needs a token; opened here it would replace
  // whatever OHIF dialog is open (the report name dialog of a save in progress, say).
  // The provider's name as last known: an ended session may no longer say who it was.
  let provider = 'KHEOPS';
  session.onHealthChange(health => {
    provider = session.signedInUser()?.issuer.displayName ?? provider;
    if (session.isRenewable()) announceSessionHealth(services.uiNotificationService, health, provider);
    else announceStaticSessionHealth(services.uiNotificationService, health);
  });
  runtime.authenticatedSession = {
    renewNow: () => session.renewNow(),
    reauthenticate: () => reauthentication.reauthenticate(),
    ensureFresh: () => session.freshAuthorizationHeader().then(() => undefined),
    userId: () => session.signedInUser()?.subject,
    pendingSaves: browserPendingSaveStore(),
    platformName: () => platformName(session),
    saveRefused: message => runtime.onSaveRefused?.(message),
  };
  const outcome = legacyLaunch ? await completeLegacyLaunch(legacyLaunch, config, session, browser) : undefined;
  if (outcome?.kind === 'refused') runtime.refusal = outcome.refusal;
  // The report-provider bridge's landing: its session (in its cookie) becomes this tab's (launch/bridge-landing.ts).
  const bridged = !legacyLaunch && isBridgeLanding(window.location.pathname) ? await completeBridgeLanding(config, session, windowBridgeBrowser()) : undefined;
  if (bridged?.kind === 'refused') runtime.refusal = bridged.refusal;
  // A bridge session is never upgraded: no earlier launch's upgrade outcome belongs to it.
  if (bridged?.kind === 'launched') clearUpgradeOutcome(window.sessionStorage);
  if (outcome?.kind === 'launched') {
    if (outcome.upgrade) {
      // The one silent sign-in at the realm; the static session is kept in sessionStorage as the fallback.
      const leaving = await session.beginUpgrade(outcome.upgrade.kept, outcome.upgrade.through, url => window.location.assign(url));
      // The page is leaving: OHIF must not start loading the study with the link's token meanwhile.
      if (leaving) await new Promise(resolve => setTimeout(resolve, UPGRADE_DEPARTURE_TIMEOUT_MS));
    } else if (outcome.staysStatic) {
      saveUpgradeOutcome(window.sessionStorage, { upgraded: false, reason: outcome.staysStatic });
    } else {
      clearUpgradeOutcome(window.sessionStorage);
    }
  }
  if (outcome?.kind !== 'launched' && bridged?.kind !== 'launched') await session.restore();
  wireAuthorization(services.userAuthenticationService, session);
  runtime.setup = { ready: true, config, session };
}

/** Asked at save time, so it follows the session (a renewal may change the granted scopes). */
function currentStorePermission(): StorePermission {
  const setup = runtime.setup;
  return setup.ready ? storePermission(setup.session.signedInUser()) : { allowed: false, reason: setup.problem.message };
}

/**
 * Offers the reports of this study that are waiting: left by a tab closed while it waited for a
 * sign-in, or, with `reason`, just refused by the server.
 */
function offerWaitingReports(
  services: { uiModalService: ModalService; uiNotificationService: NotificationService },
  extensionManager: Pick<ExtensionManager, 'getActiveDataSource'>,
  reason?: string,
): void {
  const { authenticatedSession } = runtime;
  const user = authenticatedSession?.userId();
  const studyInstanceUID = viewedStudyUID();
  if (!authenticatedSession || !user || !studyInstanceUID) return;
  offerPendingSaves({
    store: authenticatedSession.pendingSaves,
    user,
    studyInstanceUID,
    modal: services.uiModalService,
    notifications: services.uiNotificationService,
    ...(reason ? { reason } : {}),
    send: async dataset => {
      const [dataSource] = extensionManager.getActiveDataSource();
      if (!dataSource) throw new Error('no data source is active');
      await dataSource.store.dicom(dataset);
    },
  }).catch(error => console.warn('[kheops-auth] could not read the reports waiting to be sent', error));
}

/**
 * OHIF calls every registered extension's onModeEnter once its commands are registered and before
 * the study loads: the moment to put the write-access check in front of OHIF's save paths, to start
 * watching whether the series the launch named is in the study, to show the session's state, and to
 * make the MIP redraw less often while its volume streams in.
 */
function onModeEnter({
  commandsManager,
  servicesManager,
  extensionManager,
}: {
  commandsManager: CommandsManager;
  servicesManager: {
    services: Omit<Services, 'userAuthenticationService'>;
  };
  extensionManager: Pick<ExtensionManager, 'getActiveDataSource' | 'getModuleEntry'>;
}): void {
  const managers = { servicesManager, commandsManager, extensionManager };
  onModeExit();
  // Where a launch this tab's person cancels comes back to (login-page/, routes/LoginRoute.tsx).
  rememberViewerPage(window.sessionStorage, window.location);
  const { services } = servicesManager;
  const cornerstone = appCornerstone(extensionManager);
  const owner = { user: () => runtime.authenticatedSession?.userId(), study: viewedStudyUID() };
  const unsavedWork = services.measurementService ? guardUnsavedWork(services.measurementService, commandsManager, window, () => keepWork(window.sessionStorage, cornerstone, owner)) : undefined;
  if (unsavedWork) runtime.undoOnModeExit.push(unsavedWork.stop);
  runtime.undoOnModeExit.push(restoreKeptWork(window.sessionStorage, cornerstone, owner, browserTimers));
  runtime.undoOnModeExit.push(paceMipRedrawsWhileStreaming(cornerstone));
  offerWaitingReports(services, extensionManager);
  runtime.onSaveRefused = message => offerWaitingReports(services, extensionManager, message);
  runtime.undoOnModeExit.push(() => {
    runtime.onSaveRefused = undefined;
  });
  if (!guardStoreCommand(commandsManager, currentStorePermission)) {
    console.warn('[kheops-auth] OHIF has no createStoreFunction command; saving is not checked against the granted scopes.');
  }
  runtime.undoOnModeExit.push(unlistUnstoredReports(commandsManager, services.displaySetService));
  runtime.undoOnModeExit.push(watchRequestedSeries(services, () => window.location.search));
  const setup = runtime.setup;
  if (setup.ready) {
    // Kept with the static token, so a reloaded report-provider tab still offers the way back.
    const returnUri = setup.session.signedInUser()?.returnUri;
    runtime.undoOnModeExit.push(
      enterStaticSession(setup.session, services.uiNotificationService, returnUri, { now: () => Date.now(), timers: browserTimers, announced: runtime }),
      enterSessionBadge(setup.session, () => unsavedWork?.unsavedMeasurements() ?? 0, returnUri, () => upgradeNote(window.sessionStorage, setup.session.isRenewable()), indicator =>
        runtime.headerItems.put(SESSION_INDICATOR, indicator),
      ),
      enterReportSaving({
        services,
        managers,
        platform: () => platformName(setup.session),
        studyInstanceUID: viewedStudyUID,
        place: control => runtime.headerItems.put(SAVE_REPORT, control),
      }),
      enterEndedSessionGuard(setup.session, extensionManager),
    );
    announceUpgradeOutcome(services.uiNotificationService, window.sessionStorage, () => setup.session.signedInUser()?.name);
  }
}

function onModeExit(): void {
  runtime.undoOnModeExit.splice(0).forEach(undo => undo());
}

function getCustomizationModule() {
  const setup = runtime.setup;
  // Both in the global scope, which survives OHIF's reset of the mode and default scopes.
  return routesCustomization(setup.ready ? setup.config.routes : undefined).map(entry => ({ ...entry, value: { ...entry.value, ...mipOverlayCustomization() } }));
}

/** The OHIF extension definition: sign-in routes, and the bearer token on every DICOMweb request. */
const kheopsAuthExtension = {
  id: EXTENSION_ID,
  preRegistration,
  onModeEnter,
  onModeExit,
  getCustomizationModule,
  getHangingProtocolModule: hangingProtocolModule,
  getToolbarModule: () => kheopsToolbarModule(runtime.headerItems),
  getDataSourcesModule: () => createAuthenticatedDataSourceModule(() => runtime.authenticatedSession),
};

export default kheopsAuthExtension;
