import dcmjs from 'dcmjs';
import { deserializeDataset, serializeDataset } from '../../session/pending-saves';
import { part10File, reportFileName } from './report-file';
import { downloadReports } from './report-download';
import type { SavedFile } from './save-file';

const STUDY = '1.2.826.0.1.3680043.8.498.1';
const SOP_INSTANCE = '2.25.123456789012345678901234567890';
const COMPREHENSIVE_3D_SR = '1.2.840.10008.5.1.4.1.1.88.34';

/** A report as OHIF's "Create SR" hands it to the data source: naturalised, with OHIF's `_meta`. */
function ohifReport(): Record<string, unknown> {
  return {
    _meta: { TransferSyntaxUID: { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] }, FileMetaInformationVersion: { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] } },
    SOPClassUID: COMPREHENSIVE_3D_SR,
    SOPInstanceUID: SOP_INSTANCE,
    StudyInstanceUID: STUDY,
    SeriesInstanceUID: '2.25.987654321',
    Modality: 'SR',
    SeriesDescription: 'Report kept / across tabs',
    SeriesNumber: 3001,
    InstanceNumber: 1,
    PatientName: [{ Alphabetic: 'Phantom^CT' }],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: { CodeValue: '126000', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Imaging Measurement Report' },
    ContentSequence: [
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'NUM',
        ConceptNameCodeSequence: { CodeValue: '410668003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Length' },
        MeasuredValueSequence: {
          MeasurementUnitsCodeSequence: { CodeValue: 'mm', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'millimeter' },
          NumericValue: 66.07,
        },
      },
    ],
  };
}

function decode(bytes: ArrayBuffer) {
  const file = dcmjs.data.DicomMessage.readFile(bytes);
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta),
    dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict),
  };
}

describe('a waiting report as a DICOM file', () => {
  it('is a Part-10 file dcmjs reads back, with the report UID and the measurement value', () => {
    // Stored in IndexedDB and read back, as a report waiting since a closed tab is.
    const waiting = deserializeDataset(serializeDataset(ohifReport())) as Record<string, unknown>;
    const file = part10File(waiting);
    expect(String.fromCharCode(...new Uint8Array(file).slice(128, 132))).toBe('DICM');
    const { meta, dataset } = decode(file);
    expect(meta.MediaStorageSOPInstanceUID).toBe(SOP_INSTANCE);
    expect(meta.MediaStorageSOPClassUID).toBe(COMPREHENSIVE_3D_SR);
    expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(dataset.SOPInstanceUID).toBe(SOP_INSTANCE);
    expect(dataset.StudyInstanceUID).toBe(STUDY);
    expect(dataset.Modality).toBe('SR');
    const [length] = dataset.ContentSequence as Array<{ ConceptNameCodeSequence: { CodeMeaning: string }; MeasuredValueSequence: { NumericValue: number } }>;
    expect(length?.ConceptNameCodeSequence.CodeMeaning).toBe('Length');
    expect(Number(length?.MeasuredValueSequence.NumericValue)).toBeCloseTo(66.07, 2);
  });

  it('is named after the report and its UID, with only safe characters', () => {
    expect(reportFileName(ohifReport())).toBe(`Report_kept_across_tabs_${SOP_INSTANCE}.dcm`);
    expect(reportFileName({ SOPInstanceUID: SOP_INSTANCE })).toBe(`${SOP_INSTANCE}.dcm`);
    expect(reportFileName({ SeriesDescription: '../../etc/passwd' })).toBe('etc_passwd.dcm');
    expect(reportFileName({})).toBe('report.dcm');
  });

  it('is handed to the browser under that name, one file per report', async () => {
    const saved: SavedFile[] = [];
    const names = await downloadReports([ohifReport(), { ...ohifReport(), SOPInstanceUID: '2.25.7', SeriesDescription: undefined }], file => void saved.push(file));
    expect(names).toEqual([`Report_kept_across_tabs_${SOP_INSTANCE}.dcm`, '2.25.7.dcm']);
    expect(saved.map(file => decode(file.bytes).dataset.SOPInstanceUID)).toEqual([SOP_INSTANCE, '2.25.7']);
  });
});
