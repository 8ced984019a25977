import type { DisplaySet } from '../api';
import { forgetUnstoredReport } from './unstored-report';

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
