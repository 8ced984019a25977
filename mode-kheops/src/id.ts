/** The mode's id is its package name; its route is `/kheops`. */
export const MODE_ID = '@kheops-ohif/mode-kheops';
export const ROUTE_NAME = 'kheops';
export const AUTH_EXTENSION_ID = '@kheops-ohif/extension-kheops-auth';
export const BASE_MODE = '@ohif/mode-longitudinal';
