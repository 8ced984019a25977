import type { MeasurementService } from '../api';
import { savedTime } from './saved-report-notice';
import { workFingerprint } from './unsaved-work-guard';

export interface SaveReportControlEnvironment {
  document: Document;
  /** The platform the report goes to, by its display name (the session's issuer). */
  platform(): string;
  measurementService: Pick<MeasurementService, 'EVENTS' | 'subscribe' | 'getMeasurements'>;
  /** OHIF's report dialog and save (report-save-prompt.ts); settles when the dialog is done. */
  save(): Promise<unknown>;
  /** Where the control goes (OHIF's header, through the HeaderItems registry); returns its remover. */
  place(control: HTMLElement): () => void;
}

export interface SaveReportControl {
  /** A save succeeded at this time: what is on screen now is what the report holds. */
  saved(at: Date): void;
  /** The study's latest saved report: while the page holds no measurements, the control offers to show it. */
  offer(reportName: string, show: () => void): void;
  stop(): void;
}

const CONTROL =
  'display:inline-flex;flex-direction:column;justify-content:center;height:32px;max-width:180px;padding:0 10px;border:none;border-radius:6px;background:#5acce6;color:#090c29;font:12px/1.2 Inter,system-ui,sans-serif;text-align:left;cursor:pointer;white-space:nowrap;';

/**
 * "Save report to <platform>", in OHIF's header where a clinician looks for it (OHIF's own way in is
 * an unlabelled icon to a collapsed panel, then "Create SR"). Its second line says where the report
 * goes, and after a save, until the measurements change, that they are stored and when. Plain DOM
 * (the runtime-bundle rule); returns the control's handle.
 */
export function showSaveReportControl(environment: SaveReportControlEnvironment): SaveReportControl {
  const { document, measurementService } = environment;
  const button = document.createElement('button');
  button.type = 'button';
  button.style.cssText = CONTROL;
  button.setAttribute('data-kheops-auth-action', 'save-report');
  const title = document.createElement('strong');
  title.style.cssText = 'font-weight:700';
  title.textContent = 'Save report';
  const status = document.createElement('span');
  status.style.cssText = 'font-size:11px;overflow:hidden;text-overflow:ellipsis;max-width:100%';
  status.setAttribute('data-kheops-auth-save-status', '');
  button.append(title, status);

  let saving = false;
  let lastSave: { at: Date; fingerprint: string } | undefined;
  let offered: { reportName: string; show: () => void } | undefined;
  const showsOffer = (): boolean => offered !== undefined && !saving && measurementService.getMeasurements().length === 0;

  const render = (): void => {
    const platform = environment.platform();
    const measurements = measurementService.getMeasurements();
    if (offered && showsOffer()) {
      // One click draws the saved measurements again (saved-report-reopen.ts).
      title.textContent = 'Show saved report';
      status.textContent = offered.reportName;
      status.setAttribute('data-kheops-auth-save-status', 'offer');
      button.setAttribute('data-kheops-auth-action', 'show-saved-report');
      button.setAttribute('aria-label', `Show saved report from ${platform}`);
      button.disabled = false;
      button.style.opacity = '1';
      button.style.cursor = 'pointer';
      button.title = `Draw the measurements of the latest report saved in ${platform} for this study, “${offered.reportName}”.`;
      return;
    }
    title.textContent = 'Save report';
    button.setAttribute('data-kheops-auth-action', 'save-report');
    const stored = lastSave !== undefined && measurements.length > 0 && workFingerprint(measurements) === lastSave.fingerprint;
    button.setAttribute('aria-label', `Save report to ${platform}`);
    button.disabled = saving || measurements.length === 0;
    button.style.opacity = button.disabled && !stored ? '0.55' : '1';
    button.style.cursor = button.disabled ? 'default' : 'pointer';
    status.textContent = saving ? 'saving…' : stored && lastSave ? `✓ saved at ${savedTime(lastSave.at)}` : `to ${platform}`;
    status.setAttribute('data-kheops-auth-save-status', stored ? 'saved' : 'unsaved');
    button.title = saving
      ? `Saving the report to ${platform}…`
      : stored && lastSave
        ? `Saved to ${platform} at ${savedTime(lastSave.at)}. Save again to store later changes as a new report.`
        : measurements.length === 0
          ? `Draw a measurement to save a report to ${platform}.`
          : `Save the measurements as a report (DICOM SR) to ${platform}, with this study.`;
  };

  button.addEventListener('click', () => {
    if (offered && showsOffer()) {
      const { show } = offered;
      offered = undefined;
      show();
      render();
      return;
    }
    if (saving) return;
    saving = true;
    render();
    environment
      .save()
      .catch((error: unknown) => console.warn('[kheops-auth] the report was not saved', error))
      .finally(() => {
        saving = false;
        render();
      });
  });

  const { EVENTS } = measurementService;
  const subscriptions = [EVENTS.MEASUREMENT_ADDED, EVENTS.MEASUREMENT_UPDATED, EVENTS.MEASUREMENT_REMOVED, EVENTS.MEASUREMENTS_CLEARED].map(event =>
    measurementService.subscribe(event, render),
  );
  const unplace = environment.place(button);
  render();
  return {
    saved(at: Date) {
      lastSave = { at, fingerprint: workFingerprint(measurementService.getMeasurements()) };
      render();
    },
    offer(reportName: string, show: () => void) {
      offered = { reportName, show };
      render();
    },
    stop() {
      subscriptions.forEach(subscription => subscription.unsubscribe());
      unplace();
    },
  };
}
