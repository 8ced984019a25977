import type { CommandsManager, DisplaySetService } from '../api';

/**
 * Takes a report that did not reach the server off the study's list. OHIF 3.13.2's store function
 * (`createStoreFunction`) adds the report to the study before it sends it, so a refused or failed
 * save left an SR thumbnail in the study browser, and the reopened study's "Show saved report" could
 * offer it, although the platform does not have it. The report itself is not lost: a refused one
 * waits in this browser (pending saves), and the measurements stay on screen.
 * Returns how many display sets were taken off.
 */
export function forgetUnstoredReport(displaySetService: Pick<DisplaySetService, 'getActiveDisplaySets' | 'deleteDisplaySet'> | undefined, sopInstanceUID: string): number {
  if (!displaySetService?.deleteDisplaySet) return 0;
  const made = displaySetService
    .getActiveDisplaySets()
    .filter(set => set.Modality === 'SR' && set.displaySetInstanceUID && (set.SOPInstanceUID === sopInstanceUID || (set.instances ?? []).some(instance => instance?.SOPInstanceUID === sopInstanceUID)));
  for (const set of made) displaySetService.deleteDisplaySet(set.displaySetInstanceUID!);
  return made.length;
}

const UNLIST = Symbol.for('kheops-ohif.unlistUnstoredReports');

type UnlistingDefinition = { commandFn?: (params: Record<string, unknown>) => unknown } & { [UNLIST]?: ((sopInstanceUID: string) => void) | undefined };

/** The SOP instance UIDs of what a store function was given (one dataset or several). */
function sopInstanceUIDs(datasets: unknown): string[] {
  return (Array.isArray(datasets) ? datasets : [datasets]).flatMap(dataset => {
    const uid = (dataset as { SOPInstanceUID?: unknown } | null)?.SOPInstanceUID;
    return typeof uid === 'string' ? [uid] : [];
  });
}

/**
 * Wraps OHIF's `createStoreFunction` once (the command outlives mode visits), at the place where
 * OHIF lists the report before sending it: every store function it hands out that fails has its
 * report taken off the current visit's study list, whichever data source it went to, and then fails
 * as before. Returns the function that ends the visit's part (mode exit).
 */
export function unlistUnstoredReports(commandsManager: CommandsManager, displaySetService: Pick<DisplaySetService, 'getActiveDisplaySets' | 'deleteDisplaySet'> | undefined): () => void {
  const definition = commandsManager.getCommand('createStoreFunction') as UnlistingDefinition | undefined;
  const original = definition?.commandFn;
  if (!definition || typeof original !== 'function') return () => undefined;
  if (!(UNLIST in definition)) {
    definition.commandFn = (params: Record<string, unknown>) => {
      const store = original(params);
      if (typeof store !== 'function') return store;
      return async (...args: unknown[]) => {
        try {
          return await (store as (...storeArgs: unknown[]) => unknown)(...args);
        } catch (error) {
          for (const uid of sopInstanceUIDs(args[0])) definition[UNLIST]?.(uid);
          throw error;
        }
      };
    };
  }
  definition[UNLIST] = sopInstanceUID => forgetUnstoredReport(displaySetService, sopInstanceUID);
  return () => {
    definition[UNLIST] = undefined;
  };
}
