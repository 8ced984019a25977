import { pairedRatio, type Pair, type RatioInterval } from './stats';

/**
 * How many paired rounds a ratio gets: at least `min`; then more, one at a time, until its 95 %
 * interval is no wider than ±`halfWidth` (the precision issue 17 asks for), and never more than
 * `max`. On a quiet machine the minimum is enough; on a loaded one the bench says it ran longer, or
 * that the cap was reached, instead of printing a figure too wide to mean anything.
 */
export interface RoundPlan {
  min: number;
  max: number;
  halfWidth: number;
}

export interface PairedRounds extends RatioInterval {
  /** False when `max` rounds still left the interval wider than asked. */
  precise: boolean;
}

export const intervalHalfWidth = ({ low, high }: RatioInterval): number => (high - low) / 2;

/** Runs `round(n)` (n from 1) until the plan is met; each round returns its pair. */
export async function pairedRoundsUntilPrecise(plan: RoundPlan, round: (n: number) => Promise<Pair>): Promise<PairedRounds> {
  if (plan.min < 2 || plan.max < plan.min) throw new Error(`a round plan needs 2 ≤ min (${plan.min}) ≤ max (${plan.max})`);
  const pairs: Pair[] = [];
  for (let n = 1; n <= plan.max; n++) {
    pairs.push(await round(n));
    if (n < plan.min) continue;
    const interval = pairedRatio(pairs);
    if (intervalHalfWidth(interval) <= plan.halfWidth) return { ...interval, precise: true };
  }
  return { ...pairedRatio(pairs), precise: false };
}

/** The line after a figure that did not reach its precision: the figure alone would look settled. */
export function precisionNote(name: string, result: PairedRounds, plan: RoundPlan): string | undefined {
  if (result.precise) return undefined;
  return `[bench] ${name}: interval ±${intervalHalfWidth(result).toFixed(3)} still wider than ±${plan.halfWidth} after ${result.pairs} rounds (BENCH_MAX_ROUNDS=${plan.max}): the machine is too busy for this figure`;
}
