// dcmjs ships no type declarations; this covers the part the extension and the test suites use
// (tests/tsconfig.json includes this file). The extension loads dcmjs only with a dynamic import()
// (ohif/saves/report-file.ts), so it stays out of the runtime module. Import it as `import dcmjs from
// 'dcmjs'`: its ES build has a default export and its CommonJS build sets `exports.default`, so the
// same line works under tsx (ESM) and jest (swc -> CommonJS).
declare module 'dcmjs' {
  /** A dataset keyed by tag hex ("7FE00010"), as dcmjs reads and writes it. */
  export type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;

  /** A dataset keyed by keyword ("SOPInstanceUID"); `_vrMap` overrides the VR of ambiguous tags. */
  export type NaturalizedDataset = Record<string, unknown> & { _vrMap?: Record<string, string> };

  export interface ReadFileOptions {
    ignoreErrors?: boolean;
    /** Stop parsing at this tag, e.g. "7FE00010" to skip pixel data. */
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export interface DicomDict {
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DenaturalizedDataset) => DicomDict;
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: ReadFileOptions): DicomDict;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: DenaturalizedDataset): NaturalizedDataset;
        denaturalizeDataset(dataset: NaturalizedDataset): DenaturalizedDataset;
      };
    };
  };
  export default dcmjs;
}
