import type { HeaderItems } from './header-items';
import { headerItemHost } from './HeaderItemHost';

/**
 * The toolbar button types (uiType) the extension offers; a mode puts buttons of these types in a
 * header section (mode-kheops: 'secondary' for the session, 'primary' for saving).
 */
export const SESSION_INDICATOR_UI_TYPE = 'kheops.sessionIndicator';
export const SAVE_REPORT_UI_TYPE = 'kheops.saveReport';

/** Names under which the controls are put in the HeaderItems registry. */
export const SESSION_INDICATOR = 'session-indicator';
export const SAVE_REPORT = 'save-report';

/** OHIF's `getToolbarModule`: each entry's `defaultComponent` renders buttons of its `name` (uiType). */
export function kheopsToolbarModule(items: HeaderItems): Array<{ name: string; defaultComponent: unknown }> {
  return [
    { name: SESSION_INDICATOR_UI_TYPE, defaultComponent: headerItemHost(items, SESSION_INDICATOR, { fit: true }) },
    { name: SAVE_REPORT_UI_TYPE, defaultComponent: headerItemHost(items, SAVE_REPORT) },
  ];
}
