import { OHIF_DICOMWEB_NAMESPACE } from '../api';
import { createAuthenticatedDataSourceModule, SaveRefusedError, type AuthenticatedSession } from './authenticated-data-source';
import { MemoryPendingSaveStore, deserializeDataset, type PendingSave } from '../../session/pending-saves';

const REPORT = { StudyInstanceUID: '1.2.3', SOPInstanceUID: '2.25.7', Modality: 'SR', SeriesDescription: 'Lesion' };

/** dicomweb-client rejects with the XMLHttpRequest's status on the error, as OHIF passes it on. */
function httpError(status: number): Error & { status: number } {
  return Object.assign(new Error(`request failed with ${status}`), { status });
}

function dataSourceWithStore(storeAnswers: Array<() => Promise<unknown>>, overrides: Partial<AuthenticatedSession> = {}) {
  const refused: string[] = [];
  const session: AuthenticatedSession = {
    renewNow: jest.fn(() => Promise.resolve()),
    reauthenticate: jest.fn(() => Promise.resolve()),
    ensureFresh: () => Promise.resolve(),
    userId: () => 'alice',
    pendingSaves: new MemoryPendingSaveStore(),
    platformName: () => 'KHEOPS Geneva',
    saveRefused: message => void refused.push(message),
    ...overrides,
  };
  const stow = jest.fn((_dataset: unknown) => (storeAnswers.shift() ?? (() => Promise.resolve('stored')))());
  const extensionManager = {
    getModuleEntry: (namespace: string) =>
      namespace === OHIF_DICOMWEB_NAMESPACE ? { createDataSource: () => ({ store: { dicom: stow } }) } : undefined,
  };
  const [module] = createAuthenticatedDataSourceModule(() => session);
  const dataSource = module!.createDataSource({}, { services: {} }, extensionManager) as unknown as { store: { dicom(dataset: unknown): Promise<unknown> } };
  return { dataSource, session, stow, refused };
}

describe('a report the DICOMweb server refuses to store (403)', () => {
  test('stays waiting in this browser, is shown with a message naming the platform, and the save fails with that message', async () => {
    const { dataSource, session, refused, stow } = dataSourceWithStore([() => Promise.reject(httpError(403))]);
    const failure = dataSource.store.dicom(REPORT);
    await expect(failure).rejects.toBeInstanceOf(SaveRefusedError);
    await expect(failure).rejects.toThrow(/^KHEOPS Geneva refused to store this report \(403\).*kept in this browser: download it as a \.dcm file/);
    const waiting: PendingSave[] = await session.pendingSaves.listFor('alice', '1.2.3');
    expect(waiting).toHaveLength(1);
    expect(deserializeDataset(waiting[0]!.dataset)).toEqual(REPORT);
    expect(refused).toEqual([(await failure.catch((error: Error) => error.message)) as string]);
    // A refusal of the report is not a refused token: no renewal, no sign-in, one request.
    expect(session.renewNow).not.toHaveBeenCalled();
    expect(session.reauthenticate).not.toHaveBeenCalled();
    expect(stow).toHaveBeenCalledTimes(1);
  });

  test('once stored later, the waiting copy is gone', async () => {
    const { dataSource, session } = dataSourceWithStore([() => Promise.reject(httpError(403))]);
    await dataSource.store.dicom(REPORT).catch(() => undefined);
    await expect(dataSource.store.dicom(REPORT)).resolves.toBe('stored');
    expect(await session.pendingSaves.listFor('alice', '1.2.3')).toEqual([]);
  });

  test('says so, and shows nothing as kept, when the browser cannot keep the copy', async () => {
    const pendingSaves = new MemoryPendingSaveStore();
    pendingSaves.put = () => Promise.reject(new Error('quota exceeded'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { dataSource, refused } = dataSourceWithStore([() => Promise.reject(httpError(403))], { pendingSaves });
    await expect(dataSource.store.dicom(REPORT)).rejects.toThrow('KHEOPS Geneva refused to store this report (403): your account may not add to this study or album, and this browser could not keep a copy.');
    expect(refused).toEqual([]);
    warn.mockRestore();
  });

  test('other failures are passed on as they are, and keep nothing', async () => {
    const { dataSource, session, refused } = dataSourceWithStore([() => Promise.reject(httpError(500))]);
    await expect(dataSource.store.dicom(REPORT)).rejects.toMatchObject({ status: 500 });
    expect(await session.pendingSaves.listFor('alice', '1.2.3')).toEqual([]);
    expect(refused).toEqual([]);
  });
});
