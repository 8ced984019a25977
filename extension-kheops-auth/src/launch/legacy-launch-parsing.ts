/**
 * The parsing and checking of a released KHEOPS's launch, loaded only with import() when the page URL
 * carries such a launch (legacy-launch-capture.ts): most launches are OpenID ones and never need it, so
 * the runtime build makes it a module of its own (scripts/bundle-runtime.mjs). Pure functions only:
 * a separately built module has its own copy of whatever it imports, so it must hold no state.
 */
export { checkReportProviderConfiguration, legacyLaunchTarget, parseReportProviderLaunch, parseViewerLink } from './legacy-launch';
