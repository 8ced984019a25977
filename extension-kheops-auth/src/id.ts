/** The extension's id is its package name, as OHIF's own extensions do. */
export const EXTENSION_ID = '@kheops-ohif/extension-kheops-auth';

/** Key of `window.config` read when the prebuilt app loads the extension by URL (no `[ext, config]` pair). */
export const APP_CONFIG_KEY = 'kheopsAuth';
