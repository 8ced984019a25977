import type { CommandsManager, DisplaySet, DisplaySetService, MeasurementService, ViewportGridService } from '../api';
import type { TimerApi } from '../../session/token-keeper';

/** OHIF's measurement tracking command that loads an SR's measurements onto the images (idle state only). */
const LOAD_SR_COMMAND = 'loadTrackedSRMeasurements';

/** How often, and how long, the study is looked at for its display sets and OHIF's tracking to be ready. */
const LOOK_EVERY_MS = 500;
const LOOK_AT_MOST = 240;

export interface ReopenEnvironment {
  studyInstanceUID: string | undefined;
  displaySetService: DisplaySetService;
  measurementService: Pick<MeasurementService, 'getMeasurements'>;
  viewportGridService: ViewportGridService;
  commandsManager: CommandsManager;
  timers: TimerApi;
  /** Told which report was drawn. */
  onShown?(report: DisplaySet): void;
}

/** Newest first: by series date and time, then series number (OHIF numbers each new report one higher). */
function newestFirst(a: DisplaySet, b: DisplaySet): number {
  const when = (set: DisplaySet): string => `${set.SeriesDate ?? ''}${(set.SeriesTime ?? '').padEnd(13, '0')}`;
  const byTime = when(b).localeCompare(when(a));
  return byTime !== 0 ? byTime : Number(b.SeriesNumber ?? 0) - Number(a.SeriesNumber ?? 0);
}

function gridShowsImages(grid: ViewportGridService): boolean {
  const { viewports } = grid.getState();
  const all = viewports instanceof Map ? [...viewports.values()] : Object.values(viewports ?? {});
  return all.some(viewport => (viewport.displaySetInstanceUIDs?.length ?? 0) > 0);
}

/**
 * Reopening a study draws the measurements of its latest saved report, without the clinician having
 * to find and double-click the SR thumbnail: the newest SR of the study that OHIF can turn back into
 * measurements (one it wrote, a TID 1500 measurement report of its tools) is loaded once OHIF's
 * tracking and the viewports are ready. Nothing happens when the page already holds measurements
 * (the clinician's own work comes first) or the study has no such report. Returns its canceller.
 */
export function showLatestSavedReport(environment: ReopenEnvironment): () => void {
  const { displaySetService, measurementService, viewportGridService, commandsManager, timers, studyInstanceUID } = environment;
  let timer: unknown;
  let stopped = false;
  let looks = 0;
  const tried = new Set<string>();

  const look = async (): Promise<void> => {
    timer = undefined;
    if (stopped || !studyInstanceUID || measurementService.getMeasurements().length > 0) return;
    const ready = typeof commandsManager.getCommand(LOAD_SR_COMMAND)?.commandFn === 'function' && gridShowsImages(viewportGridService);
    const reports = displaySetService
      .getActiveDisplaySets()
      .filter(set => set.Modality === 'SR' && set.StudyInstanceUID === studyInstanceUID && set.displaySetInstanceUID && !tried.has(set.displaySetInstanceUID))
      .sort(newestFirst);
    if (ready && reports[0]) {
      const report = reports[0];
      tried.add(report.displaySetInstanceUID!);
      try {
        if (!report.isLoaded) await report.load?.();
      } catch (error) {
        console.warn('[kheops-auth] the latest saved report could not be read', error);
      }
      if (stopped || measurementService.getMeasurements().length > 0) return;
      if (report.isRehydratable && !report.isHydrated) {
        commandsManager.run?.(LOAD_SR_COMMAND, {
          displaySetInstanceUID: report.displaySetInstanceUID,
          SeriesInstanceUID: report.SeriesInstanceUID,
          viewportId: viewportGridService.getActiveViewportId(),
        });
        environment.onShown?.(report);
        return;
      }
      // Not one OHIF can draw again (another system's SR): the next newest is looked at at once.
      void look();
      return;
    }
    if (++looks < LOOK_AT_MOST) timer = timers.set(() => void look(), LOOK_EVERY_MS);
  };
  void look();
  return () => {
    stopped = true;
    if (timer !== undefined) timers.clear(timer);
  };
}
