/**
 * While the viewer holds measurements that were not stored since they were made, any navigation that
 * would replace the page (a new launch from KHEOPS into the same tab, a reload, a link) first makes
 * the browser ask "Leave site?". Without it a second launch silently throws away an hour of work.
 *
 * "Stored" means an SR went out through OHIF's store function (a data source or a downloaded file)
 * and succeeded; the measurements as they were when that save began are the saved ones.
 */

import type { CommandsManager, Measurement, MeasurementService } from '../api';

/** Where the beforeunload listener goes: `window`. */
export interface UnloadTarget {
  addEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
  removeEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
}

/** Points compared to a hundredth of a millimetre: a report read back may not round-trip every last bit. */
function roundPoints(points: unknown): unknown {
  return Array.isArray(points) ? points.map(point => (Array.isArray(point) ? point.map(value => (typeof value === 'number' ? Math.round(value * 100) / 100 : value)) : point)) : points;
}

/**
 * What a clinician's work consists of: which tool, on which image, where, and how it is labelled.
 * Not the measurement's id (OHIF gives a report read back new ones), nor selection, visibility or
 * cached statistics, which change without anyone working.
 */
export function workFingerprint(measurements: unknown[]): string {
  return JSON.stringify(
    measurements
      .map(raw => {
        const measurement = (raw ?? {}) as Measurement;
        return JSON.stringify([
          measurement.toolName,
          measurement.label,
          measurement.referenceSeriesUID,
          measurement.SOPInstanceUID,
          measurement.frameNumber,
          roundPoints(measurement.points),
        ]);
      })
      .sort(),
  );
}

/** Store targets that keep nothing once the page is gone. */
const EPHEMERAL_TARGETS = new Set(['copyToClipboard', 'dicomlocal']);

function isStructuredReport(dataset: unknown): boolean {
  const datasets = Array.isArray(dataset) ? dataset : [dataset];
  return datasets.some(item => (item as { Modality?: unknown } | null)?.Modality === 'SR');
}

/** Called when a save begins; the function it returns is called once that save succeeded. */
type SaveHook = () => () => void;

const SAVE_HOOK = Symbol.for('kheops-ohif.unsavedWorkSaveHook');

type HookedDefinition = { commandFn?: (params: Record<string, unknown>) => unknown } & { [SAVE_HOOK]?: SaveHook | undefined };

/**
 * Wraps OHIF's `createStoreFunction` once (the command outlives mode visits) so that every store
 * function it hands out reports SR saves to the hook of the current visit. Returns false when OHIF
 * has no such command.
 */
function followReportSaves(commandsManager: CommandsManager, hook: SaveHook | undefined): boolean {
  const definition = commandsManager.getCommand('createStoreFunction') as HookedDefinition | undefined;
  const original = definition?.commandFn;
  if (!definition || typeof original !== 'function') return false;
  if (!(SAVE_HOOK in definition)) {
    definition.commandFn = (params: Record<string, unknown>) => {
      const store = original(params);
      if (typeof store !== 'function' || (typeof params.dataSource === 'string' && EPHEMERAL_TARGETS.has(params.dataSource))) return store;
      return async (...args: unknown[]) => {
        const saved = isStructuredReport(args[0]) ? definition[SAVE_HOOK]?.() : undefined;
        const result: unknown = await (store as (...storeArgs: unknown[]) => unknown)(...args);
        saved?.();
        return result;
      };
    };
  }
  definition[SAVE_HOOK] = hook;
  return true;
}

export interface UnsavedWorkGuard {
  /** How many measurements the page holds while they differ from the last saved report (0 once saved). */
  unsavedMeasurements(): number;
  /** Stops watching and removes the beforeunload listener. */
  stop(): void;
}

/**
 * Watches the measurements of one mode visit and keeps a beforeunload listener installed exactly
 * while there is work a page replacement would lose: it keeps that work (`keep`), or, without a way
 * to keep it, makes the browser ask.
 */
export function guardUnsavedWork(measurementService: MeasurementService, commandsManager: CommandsManager, target: UnloadTarget, keep?: () => void): UnsavedWorkGuard {
  let saved = workFingerprint(measurementService.getMeasurements());
  const unsavedMeasurements = (): number => {
    const measurements = measurementService.getMeasurements();
    return measurements.length > 0 && workFingerprint(measurements) !== saved ? measurements.length : 0;
  };
  const hasUnsavedWork = (): boolean => unsavedMeasurements() > 0;
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (!hasUnsavedWork()) return;
    // Work that can be kept in the tab is kept, and the browser asks nothing (kept-work.ts).
    if (keep) {
      keep();
      return;
    }
    // Both spellings: preventDefault() is the standard, returnValue what older Chromium still reads.
    event.preventDefault();
    event.returnValue = '';
  };
  let installed = false;
  const refresh = (): void => {
    const wanted = hasUnsavedWork();
    if (wanted && !installed) target.addEventListener('beforeunload', onBeforeUnload);
    if (!wanted && installed) target.removeEventListener('beforeunload', onBeforeUnload);
    installed = wanted;
  };

  const { EVENTS } = measurementService;
  const subscriptions = [EVENTS.MEASUREMENT_ADDED, EVENTS.MEASUREMENT_UPDATED, EVENTS.MEASUREMENT_REMOVED, EVENTS.MEASUREMENTS_CLEARED].map(event =>
    measurementService.subscribe(event, refresh),
  );
  const following = followReportSaves(commandsManager, () => {
    // What the report holds is what was on screen when the save began; later changes stay unsaved.
    const beforeSave = workFingerprint(measurementService.getMeasurements());
    return () => {
      saved = beforeSave;
      refresh();
    };
  });
  if (!following) console.warn('[kheops-auth] OHIF has no createStoreFunction command; saved measurements will still count as unsaved.');
  refresh();

  return {
    unsavedMeasurements,
    stop: () => {
      subscriptions.forEach(subscription => subscription.unsubscribe());
      followReportSaves(commandsManager, undefined);
      if (installed) target.removeEventListener('beforeunload', onBeforeUnload);
      installed = false;
    },
  };
}
