/** DICOM UIDs: digits and dots, at most 64 characters (PS3.5 §9.1). */
const UID = /^[0-9]+(\.[0-9]+)*$/;
export const MAX_UID_LENGTH = 64;

export function isUid(value: string): boolean {
  return value.length > 0 && value.length <= MAX_UID_LENGTH && UID.test(value);
}

/**
 * Whether a query parameter of a viewer URL names DICOM objects by UID: `StudyInstanceUIDs`,
 * `initialSeriesInstanceUID`, `SeriesInstanceUIDs`, `initialSOPInstanceUID`, … in any case. OHIF
 * sends their values to the DICOMweb server, so each must be a UID (or a comma-separated list of them).
 */
export function isUidParameter(name: string): boolean {
  return /uids?$/i.test(name);
}

/** A UID parameter's value: one UID, or several separated by commas, as OHIF reads `StudyInstanceUIDs`. */
export function isUidList(value: string): boolean {
  return value.split(',').every(isUid);
}
