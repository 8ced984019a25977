import { intervalHalfWidth, pairedRoundsUntilPrecise, precisionNote } from '../bench/rounds';
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

describe('pairedRoundsUntilPrecise', () => {
  const plan = { min: 3, max: 10, halfWidth: 0.05 };

  it('stops at the minimum when the rounds agree', async () => {
    let calls = 0;
    const result = await pairedRoundsUntilPrecise(plan, async () => {
      calls++;
      return { numerator: 100, denominator: 100 + calls };
    });
    expect(calls).toBe(3);
    expect(result.precise).toBe(true);
    expect(precisionNote('x_ratio', result, plan)).toBeUndefined();
  });

  it('runs more rounds while the interval is wide, and says so when the cap is reached', async () => {
    const ratios = [0.5, 2, 0.5, 2, 0.5, 2, 0.5, 2, 0.5, 2, 0.5, 2];
    let calls = 0;
    const result = await pairedRoundsUntilPrecise(plan, async () => ({ numerator: ratios[calls++] as number, denominator: 1 }));
    expect(calls).toBe(10);
    expect(result.pairs).toBe(10);
    expect(result.precise).toBe(false);
    expect(precisionNote('x_ratio', result, plan)).toMatch(/x_ratio: interval ±\d\.\d{3} still wider than ±0\.05 after 10 rounds/);
  });

  it('stops as soon as a wide start settles', async () => {
    const ratios = [0.9, 1.1, 1, 1, 1, 1, 1, 1, 1, 1];
    let calls = 0;
    const result = await pairedRoundsUntilPrecise(plan, async () => ({ numerator: ratios[calls++] as number, denominator: 1 }));
    expect(result.precise).toBe(true);
    expect(calls).toBe(8);
    expect(intervalHalfWidth(result)).toBeLessThanOrEqual(0.05);
  });

  it('refuses a plan whose minimum cannot give an interval', async () => {
    await expect(pairedRoundsUntilPrecise({ min: 1, max: 4, halfWidth: 0.05 }, async () => ({ numerator: 1, denominator: 1 }))).rejects.toThrow(/2 ≤ min/);
  });
});
