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
  /** Told of the latest saved report, with the function that draws its measurements (OHIF's tracking then follows them). */
  onFound(report: DisplaySet, show: () => void): void;
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
 * Reopening a study offers its latest saved report in one click, without the clinician having to
 * find and double-click the SR thumbnail: the newest SR of the study that OHIF can turn back into
 * measurements (one it wrote, a TID 1500 measurement report of its tools) is found once OHIF's
 * tracking and the viewports are ready, and handed to `onFound` with the function that draws it.
 * The study's series arrive after the first image (the clicked series comes first), so an older
 * report can be the first one seen: the look goes on, and a newer report that arrives later
 * replaces the offer, until the clinician takes it.
 * Not drawn unasked: a page that starts with the last report's measurements would add them to
 * every new report. Returns its canceller.
 */
export function findLatestSavedReport(environment: ReopenEnvironment): () => void {
  const { displaySetService, measurementService, viewportGridService, commandsManager, timers, studyInstanceUID } = environment;
  let timer: unknown;
  let stopped = false;
  let looks = 0;
  let offered: DisplaySet | undefined;
  const tried = new Set<string>();

  const offer = (report: DisplaySet): void => {
    offered = report;
    environment.onFound(report, () => {
      // Taken: nothing newer is offered after this.
      stopped = true;
      if (timer !== undefined) timers.clear(timer);
      // OHIF's tracking loads a report only while it tracks nothing yet (its idle state).
      if (measurementService.getMeasurements().length > 0 || report.isHydrated) return;
      commandsManager.run?.(LOAD_SR_COMMAND, {
        displaySetInstanceUID: report.displaySetInstanceUID,
        SeriesInstanceUID: report.SeriesInstanceUID,
        viewportId: viewportGridService.getActiveViewportId(),
      });
    });
  };

  const look = async (): Promise<void> => {
    timer = undefined;
    if (stopped || !studyInstanceUID) return;
    const ready = typeof commandsManager.getCommand(LOAD_SR_COMMAND)?.commandFn === 'function' && gridShowsImages(viewportGridService);
    const newer = displaySetService
      .getActiveDisplaySets()
      .filter(set => set.Modality === 'SR' && set.StudyInstanceUID === studyInstanceUID && set.displaySetInstanceUID && !tried.has(set.displaySetInstanceUID))
      .filter(set => !offered || newestFirst(set, offered) < 0)
      .sort(newestFirst);
    const report = newer[0];
    if (ready && report) {
      tried.add(report.displaySetInstanceUID!);
      try {
        if (!report.isLoaded) await report.load?.();
      } catch (error) {
        console.warn('[kheops-auth] a saved report could not be read', error);
      }
      if (stopped) return;
      // Not one OHIF can draw again (another system's SR): the next newest is looked at at once.
      if (report.isRehydratable && !report.isHydrated) offer(report);
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
