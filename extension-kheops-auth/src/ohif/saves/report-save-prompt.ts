import type { CustomizationService, NotificationService } from '../api';

/** OHIF's answer to its report dialog (extensions/measurement-tracking PROMPT_RESPONSES.CREATE_REPORT). */
const CREATE_REPORT = 1;

const ORIGINAL = Symbol.for('kheops-ohif.promptSaveReport.original');

type PromptSaveReport = ((...args: unknown[]) => Promise<unknown>) & { [ORIGINAL]?: PromptSaveReport };

interface PromptResult {
  userResponse?: unknown;
  createdDisplaySetInstanceUIDs?: unknown;
  StudyInstanceUID?: unknown;
  isBackupSave?: unknown;
}

export interface SavedReport {
  displaySetInstanceUID: string;
  StudyInstanceUID: string | undefined;
}

/**
 * OHIF's save of the measurements (the `measurement.promptSaveReport` customization: its report dialog,
 * then the SR's STOW) is kept, with three changes for a clinician: OHIF's generic "Measurements saved
 * successfully" gives way to the caller's notice that says where the report went; the measurements
 * stay on screen and tracked after the save, instead of being cleared (the panel said "Measurements
 * (0)", as if the work were lost) while the SR replaces the image; and the caller hears of each save.
 * Set at global scope, so OHIF's measurement panel ("Create SR") and the header's "Save report" go
 * the same way. Returns the function that calls it, for the header's control; undefined when this
 * OHIF has no such customization.
 */
export function followReportSavePrompt(
  customizationService: CustomizationService,
  notifications: NotificationService,
  onSaved: (report: SavedReport) => void,
): PromptSaveReport | undefined {
  const current = customizationService.getCustomization('measurement.promptSaveReport') as PromptSaveReport | undefined;
  if (typeof current !== 'function') return undefined;
  const original = current[ORIGINAL] ?? current;
  const wrapped: PromptSaveReport = async (...args: unknown[]) => {
    const unmute = muteGenericSaveNotice(notifications);
    let result: PromptResult | null | undefined;
    try {
      result = (await original(...args)) as PromptResult | null | undefined;
    } finally {
      unmute();
    }
    const created = Array.isArray(result?.createdDisplaySetInstanceUIDs) ? (result.createdDisplaySetInstanceUIDs as unknown[]) : [];
    if (!result || result.userResponse !== CREATE_REPORT || typeof created[0] !== 'string') return result;
    onSaved({ displaySetInstanceUID: created[0], StudyInstanceUID: typeof result.StudyInstanceUID === 'string' ? result.StudyInstanceUID : undefined });
    // Neither "save and show the SR" nor "save and start a new report": OHIF's tracking then stays
    // on the measurements it has, which are the saved ones.
    return { ...result, isBackupSave: undefined };
  };
  wrapped[ORIGINAL] = original;
  customizationService.setCustomizations({ 'measurement.promptSaveReport': { $set: wrapped } }, 'global');
  return wrapped;
}

/** While a save runs, OHIF's own success toast ("Create Report: Measurements saved successfully") is left out. */
function muteGenericSaveNotice(notifications: NotificationService): () => void {
  const show = notifications.show;
  notifications.show = options => (options.title === 'Create Report' && options.type === 'success' ? undefined : show.call(notifications, options));
  return () => {
    notifications.show = show;
  };
}
