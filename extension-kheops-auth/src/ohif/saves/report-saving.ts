import type { CommandsManager, CustomizationService, DisplaySetService, MeasurementService, NotificationService, ViewportGridService } from '../api';
import { browserTimers } from '../../session/token-keeper';
import { followReportSavePrompt } from './report-save-prompt';
import { showSaveReportControl } from './save-report-control';
import { describeStudy, savedReportNotice } from './saved-report-notice';
import { findLatestSavedReport } from './saved-report-reopen';

export interface ReportSavingServices {
  customizationService?: CustomizationService | undefined;
  uiNotificationService: NotificationService;
  displaySetService: DisplaySetService;
  measurementService?: MeasurementService | undefined;
  viewportGridService?: ViewportGridService | undefined;
}

export interface ReportSavingEnvironment {
  services: ReportSavingServices;
  /** Handed to OHIF's save prompt as it expects them (its first argument). */
  managers: { servicesManager: unknown; commandsManager: CommandsManager; extensionManager: unknown };
  /** The platform's display name (the session's issuer), said wherever a report goes. */
  platform(): string;
  studyInstanceUID(): string | undefined;
  /** Puts the header control in place (ohif/header/); returns its remover. */
  place(control: HTMLElement): () => void;
}

/**
 * Saving for one mode visit: OHIF's save prompt followed (report-save-prompt.ts), the header's
 * "Save report to <platform>" control, the notice of where a report went, and, on reopening the study, its
 * latest saved report offered in one click ("Show saved report"). Returns the function that undoes it on mode exit.
 */
export function enterReportSaving(environment: ReportSavingEnvironment): () => void {
  const { services, managers } = environment;
  const { customizationService, uiNotificationService, displaySetService, measurementService, viewportGridService } = services;
  if (!customizationService || !measurementService || typeof document === 'undefined') {
    console.warn('[kheops-auth] this OHIF has no customization or measurement service: the header has no "Save report" control.');
    return () => undefined;
  }
  let control: ReturnType<typeof showSaveReportControl> | undefined;
  const prompt = followReportSavePrompt(customizationService, uiNotificationService, report => {
    const platform = environment.platform();
    const name = displaySetService.getDisplaySetByUID?.(report.displaySetInstanceUID)?.SeriesDescription;
    const study = describeStudy(displaySetService, report.StudyInstanceUID ?? environment.studyInstanceUID());
    uiNotificationService.show({ ...savedReportNotice(platform, name, study), type: 'success', duration: 8_000 });
    control?.saved(new Date());
  });
  const undo: Array<() => void> = [];
  if (prompt) {
    control = showSaveReportControl({
      document,
      platform: environment.platform,
      measurementService,
      place: environment.place,
      save: async () => {
        const StudyInstanceUID = environment.studyInstanceUID();
        const viewportId = viewportGridService?.getActiveViewportId();
        // Every measurement of the study, tracked or not: what the clinician sees is what is saved.
        const measurementFilter = (measurement: { referenceStudyUID?: unknown }) => measurement.referenceStudyUID === StudyInstanceUID;
        const trackedSeries = [...new Set(measurementService.getMeasurements().map(measurement => (measurement as { referenceSeriesUID?: unknown }).referenceSeriesUID))];
        await prompt(managers, { trackedStudy: StudyInstanceUID, trackedSeries, measurementFilter }, { viewportId, isBackupSave: true, data: { StudyInstanceUID, viewportId, isBackupSave: true } });
      },
    });
    undo.push(() => control?.stop());
  } else {
    console.warn('[kheops-auth] OHIF has no measurement.promptSaveReport customization: the header has no "Save report" control.');
  }
  if (viewportGridService && control) {
    const offerTo = control;
    undo.push(
      findLatestSavedReport({
        studyInstanceUID: environment.studyInstanceUID(),
        displaySetService,
        measurementService,
        viewportGridService,
        commandsManager: managers.commandsManager,
        timers: browserTimers,
        onFound: (report, show) => offerTo.offer(report.SeriesDescription || 'Report', show),
      }),
    );
  }
  return () => undo.splice(0).forEach(step => step());
}
