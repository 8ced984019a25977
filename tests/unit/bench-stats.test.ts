import { pairedRatio } from '../bench/stats';

test('a paired ratio is the geometric mean of the rounds, inside its interval', () => {
  const result = pairedRatio([
    { numerator: 110, denominator: 100 },
    { numerator: 220, denominator: 200 },
    { numerator: 121, denominator: 100 },
    { numerator: 100, denominator: 100 },
  ]);
  expect(result.ratio).toBeCloseTo(Math.exp((Math.log(1.1) * 2 + Math.log(1.21) + 0) / 4), 6);
  expect(result.low).toBeLessThan(result.ratio);
  expect(result.high).toBeGreaterThan(result.ratio);
});

test('identical rounds give a zero-width interval; one round is refused', () => {
  const same = pairedRatio([
    { numerator: 90, denominator: 100 },
    { numerator: 9, denominator: 10 },
  ]);
  expect(same.low).toBeCloseTo(0.9, 9);
  expect(same.high).toBeCloseTo(0.9, 9);
  expect(() => pairedRatio([{ numerator: 1, denominator: 1 }])).toThrow('at least two');
});
