/**
 * The slice of OHIF's API this extension uses, declared once: read this file first when OHIF
 * changes. Each interface names the OHIF object it describes and holds only the members the
 * extension calls (read from OHIF 3.13: platform/core/src/services and extensions/default). Nothing
 * else in the extension declares an OHIF shape of its own.
 */

/** `servicesManager.services.userAuthenticationService` (platform/core UserAuthenticationService). */
export interface UserAuthenticationService {
  setServiceImplementation(implementation: {
    getAuthorizationHeader?: () => Record<string, string> | undefined;
    handleUnauthenticated?: () => unknown;
  }): void;
  getAuthorizationHeader(): Record<string, string> | undefined;
}

/** `uiModalService`: the modal OHIF shows over the viewer. */
export interface ModalService {
  show(options: { title: string; content: unknown; contentProps?: Record<string, unknown>; shouldCloseOnEsc?: boolean; shouldCloseOnOverlayClick?: boolean }): void;
  hide(): void;
}

/** `uiNotificationService`: OHIF's toasts. */
export interface NotificationService {
  show(options: { title: string; message: string; type: 'info' | 'success' | 'warning' | 'error'; duration?: number }): unknown;
}

/** A measurement as `measurementService.getMeasurements()` returns it: the fields a saved report keeps. */
export interface Measurement {
  referenceStudyUID?: unknown;
  toolName?: unknown;
  label?: unknown;
  points?: unknown;
  referenceSeriesUID?: unknown;
  SOPInstanceUID?: unknown;
  frameNumber?: unknown;
}

/** `measurementService`. */
export interface MeasurementService {
  EVENTS: { MEASUREMENT_ADDED: string; MEASUREMENT_UPDATED: string; MEASUREMENT_REMOVED: string; MEASUREMENTS_CLEARED: string };
  subscribe(event: string, callback: () => void): { unsubscribe(): void };
  getMeasurements(): unknown[];
}

/** `hangingProtocolService`: only its PROTOCOL_CHANGED event. */
export interface HangingProtocolService {
  EVENTS: { PROTOCOL_CHANGED: string };
  subscribe(event: string, callback: () => void): { unsubscribe: () => void };
}

/** A display set as `displaySetService` holds it: the fields the extension reads (an SR's come from the SR SOP class handler). */
export interface DisplaySet {
  displaySetInstanceUID?: string;
  SeriesInstanceUID?: string;
  StudyInstanceUID?: string;
  SeriesDescription?: string;
  SeriesNumber?: number | string;
  SeriesDate?: string;
  SeriesTime?: string;
  Modality?: string;
  isLoaded?: boolean;
  isRehydratable?: boolean;
  isHydrated?: boolean;
  load?(): Promise<unknown>;
  SOPInstanceUID?: string;
  instances?: Array<{ StudyDescription?: string; StudyDate?: string; SOPInstanceUID?: string } | undefined>;
}

/** `displaySetService`. */
export interface DisplaySetService {
  EVENTS?: { DISPLAY_SETS_ADDED: string };
  subscribe?(event: string, callback: () => void): { unsubscribe(): void };
  getActiveDisplaySets(): DisplaySet[];
  getDisplaySetByUID?(displaySetInstanceUID: string): DisplaySet | undefined;
  /** Takes a display set off the study (OHIF 3.13.2 removes the last one when given a UID it does not hold: never do that). */
  deleteDisplaySet?(displaySetInstanceUID: string): void;
}

/** `customizationService`: read a customization, set one at global scope (immutability-helper commands). */
export interface CustomizationService {
  getCustomization(customizationId: string): unknown;
  setCustomizations(customizations: Record<string, unknown>, scope?: 'global' | 'mode' | 'default'): void;
}

/** `viewportGridService`: the active viewport and the grid's viewports. */
export interface ViewportGridService {
  getActiveViewportId(): string;
  getState(): { viewports?: Map<string, { displaySetInstanceUIDs?: string[] }> | Record<string, { displaySetInstanceUIDs?: string[] }> };
}

/** The services the extension reads from `servicesManager.services`. */
export interface Services {
  userAuthenticationService: UserAuthenticationService;
  uiModalService: ModalService;
  uiNotificationService: NotificationService;
  measurementService?: MeasurementService;
  hangingProtocolService: HangingProtocolService;
  displaySetService: DisplaySetService;
  customizationService?: CustomizationService;
  viewportGridService?: ViewportGridService;
}

/** A command definition as `commandsManager.getCommand` returns it; the extension wraps `commandFn`. */
export interface CommandDefinition {
  commandFn?: (params: Record<string, unknown>) => unknown;
}

/** `commandsManager`. */
export interface CommandsManager {
  getCommand(commandName: string): CommandDefinition | undefined;
  run?(commandName: string, options?: Record<string, unknown>): unknown;
}

/** A data source's create function, as `extensionManager.getModuleEntry` of a data sources module returns it. */
export interface DataSourceModuleEntry {
  createDataSource(configuration: unknown, servicesManager: unknown, extensionManager: unknown): unknown;
}

/** `extensionManager`. */
export interface ExtensionManager {
  getModuleEntry(namespace: string): DataSourceModuleEntry | undefined;
  getActiveDataSource(): Array<{ store: { dicom(dataset: unknown): Promise<unknown> } }>;
}

/** One of cornerstone's request pools (`imageLoadPoolManager`, `imageRetrievalPoolManager`): frames wait there for a slot. */
export interface RequestPoolManager {
  setMaxSimultaneousRequests(type: string, maxNumRequests: number): void;
  getMaxSimultaneousRequests(type: string): number;
}

/** The app's own cornerstone (not a copy), as OHIF's cornerstone extension hands it out. */
export interface CornerstoneLibraries {
  cornerstone: {
    imageLoadPoolManager?: RequestPoolManager;
    imageRetrievalPoolManager?: RequestPoolManager;
    Enums?: { RequestType?: Record<string, string>; Events?: Record<string, string> };
    getEnabledElements?: () => Array<{ viewport?: { getFrameOfReferenceUID?: () => string | undefined } }>;
    getEnabledElementByViewportId?: (viewportId: string) => { viewport?: { hasVolumeId?: (volumeId: string) => boolean } } | undefined;
    /** Where cornerstone announces its events (IMAGE_VOLUME_MODIFIED: another frame of a volume arrived). */
    eventTarget?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
    cache?: { getVolume(volumeId: string): StreamingVolume | undefined };
  };
  /** cornerstone tools: its annotation state is what OHIF's measurements are made of (ANNOTATION_ADDED adds one). */
  cornerstoneTools?: {
    annotation?: { state?: { getAllAnnotations(): unknown[]; addAnnotation(annotation: unknown, group?: unknown): string } };
  };
}

/**
 * What this extension reads of a cornerstone streaming volume (BaseStreamingImageVolume in OHIF 3.13.2's
 * cornerstone, not a documented interface): how many frames it has, and after how many more arrived
 * frames it redraws its viewports while streaming.
 */
export interface StreamingVolume {
  totalNumFrames?: unknown;
  reRenderFraction?: unknown;
}

/** `extensionManager.getModuleEntry(OHIF_CORNERSTONE_UTILITIES)`. */
export interface CornerstoneUtilityEntry {
  exports?: { getCornerstoneLibraries?: () => CornerstoneLibraries };
}

/** The cornerstone extension's utility module, which gives the app's cornerstone instance. */
export const OHIF_CORNERSTONE_UTILITIES = '@ohif/extension-cornerstone.utilityModule.common';

/** OHIF's own DICOMweb data source, which the extension's wraps rather than re-implements. */
export const OHIF_DICOMWEB_NAMESPACE = '@ohif/extension-default.dataSourcesModule.dicomweb';
