import { objectStoreOpener, promised } from './indexed-db';

/**
 * A report whose sending waits for a new sign-in, kept outside the page so that closing the tab
 * does not lose it: reopening the study offers to send it.
 */
export interface PendingSave {
  id: string;
  /** Who saved it (`sub`) and where it belongs: only that person, on that study, is offered it. */
  user: string;
  studyInstanceUID: string;
  createdAt: number;
  /** OHIF's naturalised DICOM dataset as it was handed to the store, in `serializeDataset` form. */
  dataset: string;
}

const BYTES = '$kheopsBytes';

/**
 * OHIF's datasets carry functions and class instances that IndexedDB cannot clone; their DICOM
 * content is plain values and binary arrays, which this keeps (binary as byte lists).
 */
export function serializeDataset(dataset: unknown): string {
  return JSON.stringify(dataset, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { [BYTES]: Array.from(new Uint8Array(value)) };
    if (ArrayBuffer.isView(value)) return { [BYTES]: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    return value;
  });
}

export function deserializeDataset(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    const bytes = (value as { [BYTES]?: unknown } | null)?.[BYTES];
    return Array.isArray(bytes) ? new Uint8Array(bytes as number[]).buffer : value;
  });
}

export interface PendingSaveStore {
  put(save: PendingSave): Promise<void>;
  remove(id: string): Promise<void>;
  listFor(user: string, studyInstanceUID: string): Promise<PendingSave[]>;
}

export class MemoryPendingSaveStore implements PendingSaveStore {
  private readonly saves = new Map<string, PendingSave>();

  async put(save: PendingSave): Promise<void> {
    this.saves.set(save.id, save);
  }

  async remove(id: string): Promise<void> {
    this.saves.delete(id);
  }

  async listFor(user: string, studyInstanceUID: string): Promise<PendingSave[]> {
    return [...this.saves.values()].filter(save => save.user === user && save.studyInstanceUID === studyInstanceUID);
  }
}

export class IndexedDbPendingSaveStore implements PendingSaveStore {
  private readonly objectStore = objectStoreOpener('kheops-auth-pending-saves', 'saves', { keyPath: 'id' });

  async put(save: PendingSave): Promise<void> {
    await promised((await this.objectStore('readwrite')).put(save));
  }

  async remove(id: string): Promise<void> {
    await promised((await this.objectStore('readwrite')).delete(id));
  }

  async listFor(user: string, studyInstanceUID: string): Promise<PendingSave[]> {
    const all = (await promised((await this.objectStore('readonly')).getAll())) as PendingSave[];
    return all.filter(save => save.user === user && save.studyInstanceUID === studyInstanceUID);
  }
}

export function browserPendingSaveStore(): PendingSaveStore {
  return typeof indexedDB === 'undefined' ? new MemoryPendingSaveStore() : new IndexedDbPendingSaveStore();
}

/** The identity of a report in OHIF's naturalised dataset, or undefined when it lacks one. */
export function describeDataset(dataset: unknown): { studyInstanceUID: string; sopInstanceUID: string } | undefined {
  const record = dataset as { StudyInstanceUID?: unknown; SOPInstanceUID?: unknown } | null;
  return typeof record?.StudyInstanceUID === 'string' && typeof record.SOPInstanceUID === 'string'
    ? { studyInstanceUID: record.StudyInstanceUID, sopInstanceUID: record.SOPInstanceUID }
    : undefined;
}
