export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

export function formatMs({ median, min, max }: Summary): string {
  return `median ${Math.round(median)} ms (min ${Math.round(min)}, max ${Math.round(max)})`;
}

/** Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom; beyond, the normal's. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** One round of a ratio: both sides measured back to back. */
export interface Pair {
  numerator: number;
  denominator: number;
}

export interface RatioInterval {
  /** Geometric mean of the paired ratios. */
  ratio: number;
  low: number;
  high: number;
  pairs: number;
}

/**
 * A ratio from paired rounds (each round measures both sides back to back, so drift on the machine
 * hits both): the mean of the log ratios with a t-interval, back-transformed. Log ratios, because
 * a launch's time varies by a factor, not by a fixed amount.
 */
export function pairedRatio(pairs: readonly Pair[]): RatioInterval {
  if (pairs.length < 2) throw new Error('a paired ratio needs at least two rounds');
  const logs = pairs.map(pair => Math.log(pair.numerator / pair.denominator));
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const variance = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1);
  const t = T_975[logs.length - 2] ?? 1.96;
  const half = (t * Math.sqrt(variance)) / Math.sqrt(logs.length);
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half), pairs: logs.length };
}

/** `1.031 [0.925,1.148] (n=8 pairs, ±0.112)`: the figure, its 95 % interval and the interval's half width. */
export function formatRatio({ ratio, low, high, pairs }: RatioInterval): string {
  return `${ratio.toFixed(3)} [${low.toFixed(3)},${high.toFixed(3)}] (95 % interval, ${pairs} paired rounds, ±${((high - low) / 2).toFixed(3)})`;
}

export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
  rounds: number;
}

/** The mean of per-round differences (ms) with its t-interval: for figures that can be zero or negative. */
export function meanInterval(values: readonly number[]): MeanInterval {
  if (values.length < 2) throw new Error('an interval needs at least two rounds');
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  const t = T_975[values.length - 2] ?? 1.96;
  const half = (t * Math.sqrt(variance)) / Math.sqrt(values.length);
  return { mean, low: mean - half, high: mean + half, rounds: values.length };
}

/** `12 [-30,54] (95 % interval, 4 rounds, ±42)`. */
export function formatMeanInterval({ mean, low, high, rounds }: MeanInterval): string {
  return `${Math.round(mean)} [${Math.round(low)},${Math.round(high)}] (95 % interval, ${rounds} rounds, ±${Math.round((high - low) / 2)})`;
}
