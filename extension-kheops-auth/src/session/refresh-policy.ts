/** A minute ahead for ordinary tokens; half the lifetime for short ones, so a 10 s token renews at 5 s. */
export const MAX_REFRESH_LEAD_SECONDS = 60;

/** First wait after a failed renewal; doubled on each failure, capped, never past the token's expiry. */
export const FIRST_RETRY_DELAY_MS = 1_000;
export const MAX_RETRY_DELAY_MS = 15_000;

export function refreshLeadSeconds(lifetimeSeconds: number): number {
  return Math.min(MAX_REFRESH_LEAD_SECONDS, Math.max(1, lifetimeSeconds / 2));
}

/** When (epoch ms) a token received at `receivedAtMs` that expires at `expiresAtSeconds` should be renewed. */
export function refreshDueAtMs(receivedAtMs: number, expiresAtSeconds: number): number {
  const expiresAtMs = expiresAtSeconds * 1000;
  const lifetimeSeconds = Math.max(0, (expiresAtMs - receivedAtMs) / 1000);
  return expiresAtMs - refreshLeadSeconds(lifetimeSeconds) * 1000;
}

export function retryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, failures - 1));
}
