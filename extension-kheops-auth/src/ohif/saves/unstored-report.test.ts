import type { CommandsManager, DisplaySet } from '../api';
import { forgetUnstoredReport, unlistUnstoredReports } from './unstored-report';

function service(sets: DisplaySet[]) {
  const active = [...sets];
  return {
    active,
    getActiveDisplaySets: () => [...active],
    deleteDisplaySet: jest.fn((uid: string) => {
      const index = active.findIndex(set => set.displaySetInstanceUID === uid);
      if (index < 0) throw new Error(`asked to delete ${uid}, which is not there`);
      active.splice(index, 1);
    }),
  };
}

const ct: DisplaySet = { displaySetInstanceUID: 'ct', Modality: 'CT', instances: [{ SOPInstanceUID: '1.1' }] };
const saved: DisplaySet = { displaySetInstanceUID: 'saved', Modality: 'SR', SOPInstanceUID: '2.25.1', instances: [{ SOPInstanceUID: '2.25.1' }] };
const refused: DisplaySet = { displaySetInstanceUID: 'refused', Modality: 'SR', instances: [{ SOPInstanceUID: '2.25.2' }] };

test('the display set OHIF made for the report that was not stored is taken off, and only it', () => {
  const displaySets = service([ct, saved, refused]);
  expect(forgetUnstoredReport(displaySets, '2.25.2')).toBe(1);
  expect(displaySets.active.map(set => set.displaySetInstanceUID)).toEqual(['ct', 'saved']);
});

test('a report OHIF never listed takes nothing off (OHIF would delete its last display set for an unknown UID)', () => {
  const displaySets = service([ct, saved]);
  expect(forgetUnstoredReport(displaySets, '2.25.9')).toBe(0);
  expect(displaySets.deleteDisplaySet).not.toHaveBeenCalled();
  // An image with that UID is not a report.
  expect(forgetUnstoredReport(displaySets, '1.1')).toBe(0);
});

test('without deleteDisplaySet (another OHIF), nothing happens', () => {
  expect(forgetUnstoredReport({ getActiveDisplaySets: () => [refused] }, '2.25.2')).toBe(0);
  expect(forgetUnstoredReport(undefined, '2.25.2')).toBe(0);
});

/** OHIF's createStoreFunction as 3.13.2 has it: the report is listed in the study, then sent. */
function ohifStoreCommand(displaySets: ReturnType<typeof service>, send: () => Promise<unknown>) {
  const definition: { commandFn?: (params: Record<string, unknown>) => unknown } = {
    commandFn: () => async (report: DisplaySet) => {
      displaySets.active.push({ displaySetInstanceUID: `listed-${report.SOPInstanceUID}`, Modality: 'SR', instances: [{ SOPInstanceUID: report.SOPInstanceUID }] });
      return send();
    },
  };
  const manager: CommandsManager = { getCommand: name => (name === 'createStoreFunction' ? definition : undefined) };
  const storeFunction = () => definition.commandFn?.({ dataSource: 'kheops' }) as (report: DisplaySet) => Promise<unknown>;
  return { manager, storeFunction };
}

describe('unlistUnstoredReports', () => {
  test('a store that fails takes its report off the list, and fails as before', async () => {
    const displaySets = service([ct, saved]);
    const { manager, storeFunction } = ohifStoreCommand(displaySets, () => Promise.reject(Object.assign(new Error('refused'), { status: 403 })));
    unlistUnstoredReports(manager, displaySets);
    await expect(storeFunction()({ SOPInstanceUID: '2.25.3' })).rejects.toMatchObject({ message: 'refused', status: 403 });
    expect(displaySets.active.map(set => set.displaySetInstanceUID)).toEqual(['ct', 'saved']);
  });

  test('a store that succeeds keeps its report listed', async () => {
    const displaySets = service([ct]);
    const { manager, storeFunction } = ohifStoreCommand(displaySets, () => Promise.resolve('stored'));
    unlistUnstoredReports(manager, displaySets);
    await expect(storeFunction()({ SOPInstanceUID: '2.25.4' })).resolves.toBe('stored');
    expect(displaySets.active.map(set => set.displaySetInstanceUID)).toEqual(['ct', 'listed-2.25.4']);
  });

  test('wraps once across mode visits, and a visit that ended takes nothing off', async () => {
    const displaySets = service([ct]);
    const { manager, storeFunction } = ohifStoreCommand(displaySets, () => Promise.reject(new Error('offline')));
    unlistUnstoredReports(manager, displaySets)();
    const end = unlistUnstoredReports(manager, displaySets);
    await expect(storeFunction()({ SOPInstanceUID: '2.25.5' })).rejects.toThrow('offline');
    expect(displaySets.deleteDisplaySet).toHaveBeenCalledTimes(1);
    end();
    await expect(storeFunction()({ SOPInstanceUID: '2.25.6' })).rejects.toThrow('offline');
    expect(displaySets.active.map(set => set.displaySetInstanceUID)).toEqual(['ct', 'listed-2.25.6']);
  });
});
