import { GAP_PX, MIN_WIDTH_PX, widthBeforeNextControl } from './fit-before-next-control';

const row = { top: 8, bottom: 40 };
const item = { left: 250, right: 430, ...row };

test('the item may reach the nearest control to its right in its row, less the gap', () => {
  const controls = [
    { left: 20, right: 200, ...row }, // the logo and back button, to its left
    { left: 402, right: 434, ...row }, // the first tool of the centred toolbar
    { left: 446, right: 478, ...row },
    { left: 300, right: 340, top: 60, bottom: 90 }, // a viewport's control, below the header
  ];
  expect(widthBeforeNextControl(item, controls)).toBe(402 - 250 - GAP_PX);
});

test('no control to its right: no limit; no room at all: the least it can be', () => {
  expect(widthBeforeNextControl(item, [{ left: 20, right: 200, ...row }])).toBeUndefined();
  expect(widthBeforeNextControl(item, [{ left: 260, right: 300, ...row }])).toBe(MIN_WIDTH_PX);
});
