import dcmjs from 'dcmjs';
import { MemoryPendingSaveStore, deserializeDataset, serializeDataset } from '../../session/pending-saves';
import { offerPendingSaves } from './pending-save-offer';
import type { SavedFile } from './save-file';

function setup() {
  const store = new MemoryPendingSaveStore();
  const shown: Array<{ contentProps?: Record<string, unknown> }> = [];
  const modal = { show: (options: { contentProps?: Record<string, unknown> }) => void shown.push(options), hide: jest.fn() };
  const notifications = { show: jest.fn() };
  const send = jest.fn().mockResolvedValue(undefined);
  return { store, shown, modal, notifications, send };
}

test('offers nothing when no report is waiting', async () => {
  const { store, shown, modal, notifications, send } = setup();
  await offerPendingSaves({ store, user: 'alice', studyInstanceUID: '1.2', modal, notifications, send });
  expect(shown).toHaveLength(0);
});

test("offers only the person's own reports of this study, and sends them", async () => {
  const { store, shown, modal, notifications, send } = setup();
  await store.put({ id: 'alice|1', user: 'alice', studyInstanceUID: '1.2', createdAt: 1, dataset: serializeDataset({ SOPInstanceUID: '1' }) });
  await store.put({ id: 'bob|2', user: 'bob', studyInstanceUID: '1.2', createdAt: 1, dataset: serializeDataset({ SOPInstanceUID: '2' }) });
  await store.put({ id: 'alice|3', user: 'alice', studyInstanceUID: '9.9', createdAt: 1, dataset: serializeDataset({ SOPInstanceUID: '3' }) });
  await offerPendingSaves({ store, user: 'alice', studyInstanceUID: '1.2', modal, notifications, send });
  expect(shown[0]?.contentProps?.count).toBe(1);
  await (shown[0]!.contentProps!.send as () => Promise<void>)();
  expect(send).toHaveBeenCalledWith({ SOPInstanceUID: '1' });
  expect(await store.listFor('alice', '1.2')).toEqual([]);
  expect(await store.listFor('bob', '1.2')).toHaveLength(1);
  expect(modal.hide).toHaveBeenCalled();
});

test('a failed send keeps the report', async () => {
  const { store, shown, modal, notifications, send } = setup();
  send.mockRejectedValue(new Error('offline'));
  await store.put({ id: 'alice|1', user: 'alice', studyInstanceUID: '1.2', createdAt: 1, dataset: serializeDataset({}) });
  await offerPendingSaves({ store, user: 'alice', studyInstanceUID: '1.2', modal, notifications, send });
  await expect((shown[0]!.contentProps!.send as () => Promise<void>)()).rejects.toThrow('offline');
  expect(await store.listFor('alice', '1.2')).toHaveLength(1);
});

test('datasets survive storage with their binary values, and lose only what cannot be stored', () => {
  const dataset = { SOPInstanceUID: '1', Value: new Uint8Array([1, 2, 255]).buffer, nested: [{ Floats: new Float32Array([1.5]) }], helper: () => 1 };
  const restored = deserializeDataset(serializeDataset(dataset)) as { SOPInstanceUID: string; Value: ArrayBuffer; nested: Array<{ Floats: ArrayBuffer }>; helper?: unknown };
  expect(restored.SOPInstanceUID).toBe('1');
  expect([...new Uint8Array(restored.Value)]).toEqual([1, 2, 255]);
  expect(new Float32Array(restored.nested[0]!.Floats)[0]).toBe(1.5);
  expect(restored.helper).toBeUndefined();
});

test('a waiting report can be downloaded as a DICOM file, and stays waiting', async () => {
  const { store, shown, modal, notifications, send } = setup();
  const report = { SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.34', SOPInstanceUID: '2.25.42', StudyInstanceUID: '1.2', Modality: 'SR', SeriesDescription: 'Lesion' };
  await store.put({ id: 'alice|2.25.42', user: 'alice', studyInstanceUID: '1.2', createdAt: 1, dataset: serializeDataset(report) });
  const saved: SavedFile[] = [];
  await offerPendingSaves({ store, user: 'alice', studyInstanceUID: '1.2', modal, notifications, send, saveFile: file => void saved.push(file) });
  const names = await (shown[0]!.contentProps!.download as () => Promise<string[]>)();
  expect(names).toEqual(['Lesion_2.25.42.dcm']);
  expect(saved.map(file => file.name)).toEqual(names);
  const decoded = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(saved[0]!.bytes).dict);
  expect(decoded.SOPInstanceUID).toBe('2.25.42');
  expect(await store.listFor('alice', '1.2')).toHaveLength(1);
  expect(send).not.toHaveBeenCalled();
  expect(modal.hide).not.toHaveBeenCalled();
});

test('a report refused just now is offered with the reason', async () => {
  const { store, shown, modal, notifications, send } = setup();
  await store.put({ id: 'alice|1', user: 'alice', studyInstanceUID: '1.2', createdAt: 1, dataset: serializeDataset({ SOPInstanceUID: '1' }) });
  await offerPendingSaves({ store, user: 'alice', studyInstanceUID: '1.2', modal, notifications, send, reason: 'KHEOPS refused to store this report (403).' });
  expect(shown[0]?.contentProps?.reason).toBe('KHEOPS refused to store this report (403).');
});
