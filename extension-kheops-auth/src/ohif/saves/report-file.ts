import dcmjs from 'dcmjs';

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** This extension as the file's writer (a UUID-derived UID, PS3.5 §B.2). */
const IMPLEMENTATION_CLASS_UID = '2.25.260876810813646321780159408169713235231';
const IMPLEMENTATION_VERSION_NAME = 'KHEOPS_OHIF_1';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** "<report name>_<SOP instance UID>.dcm", with only characters every file system accepts. */
export function reportFileName(dataset: Record<string, unknown>): string {
  const description = text(dataset.SeriesDescription)
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .replace(/^[_.]+|_+$/g, '')
    .slice(0, 60);
  const uid = text(dataset.SOPInstanceUID).replace(/[^0-9.]/g, '');
  return `${[description, uid].filter(Boolean).join('_') || 'report'}.dcm`;
}

/**
 * OHIF's naturalised report as a DICOM Part-10 file (preamble, file meta information, data set),
 * written by dcmjs. Explicit VR little endian always fits: a structured report has no pixel data.
 * The dataset's own `_meta` (OHIF's, denaturalised) is not copied; dcmjs skips it.
 */
export function part10File(dataset: Record<string, unknown>): ArrayBuffer {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const file = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: dataset.SOPClassUID,
      MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    }),
  );
  file.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return file.write();
}
