import type { DisplaySetService } from '../api';

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
