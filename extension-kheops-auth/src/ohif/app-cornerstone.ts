import { OHIF_CORNERSTONE_UTILITIES, type CornerstoneLibraries, type CornerstoneUtilityEntry } from './api';

/** The app's own cornerstone and cornerstone tools (never a copy bundled here), from OHIF's cornerstone extension. */
export function appCornerstone(extensionManager: { getModuleEntry(namespace: string): unknown }): CornerstoneLibraries | undefined {
  const entry = extensionManager.getModuleEntry(OHIF_CORNERSTONE_UTILITIES) as CornerstoneUtilityEntry | undefined;
  return typeof entry?.exports?.getCornerstoneLibraries === 'function' ? entry.exports.getCornerstoneLibraries() : undefined;
}
