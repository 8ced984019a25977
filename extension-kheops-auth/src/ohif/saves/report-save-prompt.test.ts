import type { CustomizationService, NotificationService } from '../api';
import { followReportSavePrompt, type SavedReport } from './report-save-prompt';

/** A customization service holding one value per id, as OHIF's global scope does after `$set`. */
function customizations(initial: Record<string, unknown>): CustomizationService & { values: Record<string, unknown> } {
  const values = { ...initial };
  return {
    values,
    getCustomization: id => values[id],
    setCustomizations: (changes, scope) => {
      expect(scope).toBe('global');
      for (const [id, command] of Object.entries(changes)) values[id] = (command as { $set: unknown }).$set;
    },
  };
}

function notifications(): NotificationService & { shown: Array<{ title: string; type: string }> } {
  const shown: Array<{ title: string; type: string }> = [];
  return { shown, show: options => shown.push({ title: options.title, type: options.type }) };
}

/** OHIF's default prompt: it shows its own toast, then answers as its dialog did. */
function ohifPrompt(toasts: NotificationService, answer: Record<string, unknown> | null) {
  return jest.fn(async () => {
    if (answer?.userResponse === 1) toasts.show({ title: 'Create Report', message: 'Measurements saved successfully', type: 'success' });
    return answer;
  });
}

describe('followReportSavePrompt', () => {
  test('a save is reported, OHIF keeps tracking the saved measurements, and only its generic success toast is left out', async () => {
    const toasts = notifications();
    const original = ohifPrompt(toasts, { userResponse: 1, createdDisplaySetInstanceUIDs: ['ds-1'], StudyInstanceUID: '1.2', isBackupSave: true });
    const service = customizations({ 'measurement.promptSaveReport': original });
    const saved: SavedReport[] = [];
    const wrapped = followReportSavePrompt(service, toasts, report => saved.push(report));
    expect(service.values['measurement.promptSaveReport']).toBe(wrapped);
    const result = (await wrapped?.('context', 'ctx', 'evt')) as Record<string, unknown>;
    expect(original).toHaveBeenCalledWith('context', 'ctx', 'evt');
    expect(saved).toEqual([{ displaySetInstanceUID: 'ds-1', StudyInstanceUID: '1.2' }]);
    // Neither "show the SR" (isBackupSave true) nor "start a new report" (false): OHIF stays on the measurements.
    expect(result.isBackupSave).toBeUndefined();
    expect(toasts.shown).toEqual([]);
    // The toast service is itself again afterwards.
    toasts.show({ title: 'Create Report', message: 'x', type: 'success' });
    expect(toasts.shown).toHaveLength(1);
  });

  test('a cancelled or failed save is passed on as OHIF answered, and its error toast is kept', async () => {
    const toasts = notifications();
    const failing = jest.fn(async () => {
      toasts.show({ title: 'Create Report', message: 'This session can only read', type: 'error' });
      return null;
    });
    const service = customizations({ 'measurement.promptSaveReport': failing });
    const saved: SavedReport[] = [];
    const wrapped = followReportSavePrompt(service, toasts, report => saved.push(report));
    await expect(wrapped?.()).resolves.toBeNull();
    expect(saved).toEqual([]);
    expect(toasts.shown).toEqual([{ title: 'Create Report', type: 'error' }]);
  });

  test('following again (the next mode visit) wraps OHIF\'s prompt, not the previous wrapper', async () => {
    const toasts = notifications();
    const original = ohifPrompt(toasts, { userResponse: 1, createdDisplaySetInstanceUIDs: ['ds-2'] });
    const service = customizations({ 'measurement.promptSaveReport': original });
    const first: SavedReport[] = [];
    const second: SavedReport[] = [];
    followReportSavePrompt(service, toasts, report => first.push(report));
    const wrapped = followReportSavePrompt(service, toasts, report => second.push(report));
    await wrapped?.();
    expect(original).toHaveBeenCalledTimes(1);
    expect(first).toEqual([]);
    expect(second).toHaveLength(1);
  });

  test('an OHIF without the customization gets no wrapper', () => {
    expect(followReportSavePrompt(customizations({}), notifications(), () => undefined)).toBeUndefined();
  });
});
