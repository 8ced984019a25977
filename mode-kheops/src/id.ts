/** The mode's id is its package name; its route is `/kheops`. */
export const MODE_ID = '@kheops-ohif/mode-kheops';
export const ROUTE_NAME = 'kheops';
export const AUTH_EXTENSION_ID = '@kheops-ohif/extension-kheops-auth';
export const BASE_MODE = '@ohif/mode-longitudinal';

/**
 * The extension's header controls, as toolbar button types (uiType) it registers in its toolbar
 * module (extension-kheops-auth ohif/header/toolbar-module.ts: keep the two in step).
 */
export const SESSION_INDICATOR_UI_TYPE = 'kheops.sessionIndicator';
export const SAVE_REPORT_UI_TYPE = 'kheops.saveReport';
