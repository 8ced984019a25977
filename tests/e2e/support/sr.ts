import { readFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { exactArrayBuffer } from '../../fixtures/dicom-file';
import type { StackInfo } from './stack-info';
import { until } from './measurements';

type Item = Record<string, unknown>;

function items(value: unknown): Item[] {
  if (Array.isArray(value)) return value as Item[];
  return value && typeof value === 'object' ? [value as Item] : [];
}

function codeMeaning(item: Item): string | undefined {
  return items(item.ConceptNameCodeSequence)[0]?.CodeMeaning as string | undefined;
}

export interface SrFinding {
  name: string | undefined;
  value: number;
  unit: string | undefined;
}

/** The numeric findings of an SR and every image it references, found by walking its content tree. */
export function readSr(dataset: Item): { findings: SrFinding[]; referencedSopInstanceUids: string[] } {
  const findings: SrFinding[] = [];
  const referenced = new Set<string>();
  const visit = (item: Item): void => {
    if (item.ValueType === 'NUM') {
      const measured = items(item.MeasuredValueSequence)[0];
      if (measured) {
        findings.push({
          name: codeMeaning(item),
          value: Number(measured.NumericValue),
          unit: items(measured.MeasurementUnitsCodeSequence)[0]?.CodeValue as string | undefined,
        });
      }
    }
    for (const reference of items(item.ReferencedSOPSequence)) {
      if (typeof reference.ReferencedSOPInstanceUID === 'string') referenced.add(reference.ReferencedSOPInstanceUID);
    }
    items(item.ContentSequence).forEach(visit);
  };
  visit(dataset);
  return { findings, referencedSopInstanceUids: [...referenced] };
}

/** SR series of a study, asked of Orthanc directly (it listens on loopback, behind the gateway). */
export async function srSeriesInOrthanc(stack: StackInfo, studyInstanceUID: string): Promise<string[]> {
  const response = await fetch(`${stack.orthancUrl}/api/studies/${studyInstanceUID}/series?Modality=SR`, {
    headers: { accept: 'application/dicom+json' },
  });
  if (!response.ok) throw new Error(`QIDO for SR series answered ${response.status}`);
  const series = (await response.json()) as Array<Record<string, { Value?: string[] }>>;
  return series.map(entry => entry['0020000E']?.Value?.[0]).filter((uid): uid is string => typeof uid === 'string');
}

/** The first instance of a series, read from Orthanc and naturalised by dcmjs. */
export async function fetchFirstInstance(stack: StackInfo, studyInstanceUID: string, seriesInstanceUID: string): Promise<Item> {
  const listing = await fetch(`${stack.orthancUrl}/api/studies/${studyInstanceUID}/series/${seriesInstanceUID}/instances`, {
    headers: { accept: 'application/dicom+json' },
  });
  const instances = (await listing.json()) as Array<Record<string, { Value?: string[] }>>;
  const sopInstanceUID = instances[0]?.['00080018']?.Value?.[0];
  if (!sopInstanceUID) throw new Error(`series ${seriesInstanceUID} has no instance in Orthanc`);
  const lookup = await fetch(`${stack.orthancUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUID });
  const [found] = (await lookup.json()) as Array<{ ID: string; Type: string }>;
  if (!found) throw new Error(`Orthanc does not know instance ${sopInstanceUID}`);
  const file = await (await fetch(`${stack.orthancUrl}/instances/${found.ID}/file`)).arrayBuffer();
  const dicomDict = dcmjs.data.DicomMessage.readFile(file);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dicomDict.dict) as Item;
}

/** The one SR series of the study that is not in `before`, read back from Orthanc: the report was stored. */
export async function newSrReport(stack: StackInfo, studyInstanceUID: string, before: string[]): Promise<ReturnType<typeof readSr>> {
  const added = await until(
    'the new SR series in Orthanc',
    async () => {
      const fresh = (await srSeriesInOrthanc(stack, studyInstanceUID)).filter(uid => !before.includes(uid));
      return fresh.length === 1 ? fresh[0] : undefined;
    },
    90_000,
  );
  return readSr(await fetchFirstInstance(stack, studyInstanceUID, added));
}

/** A DICOM file the viewer handed to the browser's downloads: its file meta and dataset, naturalised. */
export function readDicomFile(file: string): { meta: Item; dataset: Item } {
  const part10 = dcmjs.data.DicomMessage.readFile(exactArrayBuffer(readFileSync(file)));
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(part10.meta) as Item,
    dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(part10.dict) as Item,
  };
}
