/** Gaps in frame delivery near renewals and elsewhere (renewal-stall.ts); pure, so unit-tested. */

/** Half a renewal's window: a gap overlapping [renewal - 1 s, renewal + 1 s] counts as the renewal's. */
export const RENEWAL_WINDOW_MS = 1000;

export interface StallRound {
  renewals: number;
  frames: number;
  nearRenewalMs: number;
  elsewhereMs: number;
  stallMs: number;
}

/** The figure of one round, from image times and renewal times (epoch ms, same clock). */
export function stallOfRound(frames: number[], renewals: number[], windowMs = RENEWAL_WINDOW_MS): StallRound {
  const sorted = [...frames].sort((a, b) => a - b);
  let near = 0;
  let elsewhere = 0;
  for (let i = 1; i < sorted.length; i++) {
    const start = sorted[i - 1] as number;
    const end = sorted[i] as number;
    const gap = end - start;
    const overlapsRenewal = renewals.some(at => start <= at + windowMs && end >= at - windowMs);
    if (overlapsRenewal) near = Math.max(near, gap);
    else elsewhere = Math.max(elsewhere, gap);
  }
  return { renewals: renewals.length, frames: sorted.length, nearRenewalMs: near, elsewhereMs: elsewhere, stallMs: near - elsewhere };
}
