import { part10File, reportFileName } from './report-file';
import { browserFileSaver, type SaveFile } from './save-file';

/**
 * Saves waiting reports on this computer as DICOM files; resolves with their names.
 *
 * Loaded only with import() (pending-save-offer.ts): with dcmjs, which it needs to write the files,
 * it is larger than the whole rest of the extension, so the runtime build makes it a module of its
 * own that is fetched when someone downloads a report (scripts/bundle-runtime.mjs).
 */
export async function downloadReports(datasets: unknown[], saveFile: SaveFile = browserFileSaver()): Promise<string[]> {
  return datasets.map(dataset => {
    const record = (dataset ?? {}) as Record<string, unknown>;
    const file = { name: reportFileName(record), bytes: part10File(record) };
    saveFile(file);
    return file.name;
  });
}
