import { SAVE_REPORT_UI_TYPE, SESSION_INDICATOR_UI_TYPE } from './id';

/** `toolbarService`: the members the mode uses to put the extension's controls in OHIF's header. */
export interface ToolbarService {
  register(buttons: Array<{ id: string; uiType: string; props: Record<string, unknown> }>): void;
  updateSection(section: string, buttonIds: string[]): void;
}

export const SESSION_BUTTON_ID = 'KheopsSession';
export const SAVE_BUTTON_ID = 'KheopsSaveReport';

/**
 * The header's 'secondary' section (between OHIF's logo and the main toolbar) holds who is signed in,
 * so it never lies over a viewport; saving is the main toolbar's last button, labelled, where a
 * clinician looks for it. `updateSection` appends, so the longitudinal mode's own buttons stay.
 */
export function addHeaderButtons(toolbarService: ToolbarService | undefined): void {
  if (!toolbarService) return;
  toolbarService.register([
    { id: SESSION_BUTTON_ID, uiType: SESSION_INDICATOR_UI_TYPE, props: {} },
    { id: SAVE_BUTTON_ID, uiType: SAVE_REPORT_UI_TYPE, props: {} },
  ]);
  toolbarService.updateSection('secondary', [SESSION_BUTTON_ID]);
  toolbarService.updateSection('primary', [SAVE_BUTTON_ID]);
}
