// dcmjs ships no type declarations; this covers the part the extension and its tests use. The
// extension loads it only with a dynamic import() (ohif/report-file.ts), so it stays out of the
// runtime module. Same shape as tests/fixtures/dcmjs.d.ts, which the test suites use.
declare module 'dcmjs' {
  /** A dataset keyed by tag hex ("7FE00010"), as dcmjs reads and writes it. */
  export type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;

  /** A dataset keyed by keyword ("SOPInstanceUID"); `_vrMap` overrides the VR of ambiguous tags. */
  export type NaturalizedDataset = Record<string, unknown> & { _vrMap?: Record<string, string> };

  export interface DicomDict {
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DenaturalizedDataset) => DicomDict;
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string | null }): DicomDict;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: DenaturalizedDataset): NaturalizedDataset;
        denaturalizeDataset(dataset: NaturalizedDataset): DenaturalizedDataset;
      };
    };
  };
  export default dcmjs;
}
