import { stallOfRound } from '../bench/frame-gaps';
import { meanInterval } from '../bench/stats';

test('a gap overlapping a renewal ±1 s is the renewal\'s; the figure is it minus the longest gap elsewhere', () => {
  // Frames every 20 ms, a 300 ms hole from 2000 to 2300, a 60 ms hole from 8000 to 8060; renewal at 2900.
  const frames = [...Array.from({ length: 101 }, (_, i) => i * 20), ...Array.from({ length: 286 }, (_, i) => 2300 + i * 20), 8060, 8080];
  const round = stallOfRound(frames, [2900]);
  expect(round.nearRenewalMs).toBe(300);
  expect(round.elsewhereMs).toBe(60);
  expect(round.stallMs).toBe(240);
  expect(round.renewals).toBe(1);
});

test('a hole farther than 1 s from every renewal is not the renewal\'s', () => {
  const frames = [0, 20, 40, 340, 360, 380, 400];
  expect(stallOfRound(frames, [1500]).nearRenewalMs).toBe(0);
  expect(stallOfRound(frames, [1500]).elsewhereMs).toBe(300);
  expect(stallOfRound(frames, [1341]).nearRenewalMs).toBe(20);
});

test('a mean of differences has a t-interval around it and may be negative', () => {
  const result = meanInterval([-10, 10, 30]);
  expect(result.mean).toBe(10);
  expect(result.low).toBeCloseTo(10 - (4.303 * 20) / Math.sqrt(3), 6);
  expect(() => meanInterval([1])).toThrow('at least two');
});
