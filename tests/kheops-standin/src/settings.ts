// Everything a test may change while the stand-in runs lives in one mutable object, so that the
// provider configuration and the gateway read the current value on each request instead of a copy
// taken at start-up.
export interface RuntimeSettings {
  /** Lifetime in seconds of access tokens issued from now on. */
  accessTokenTtl: number;
  /** Lifetime in seconds of the first refresh token of a grant; rotated ones keep the remaining lifetime. */
  refreshTokenTtl: number;
  /** Simulated outage of the OpenID provider (everything under /api that is not DICOMweb). */
  providerDown: boolean;
  /** Simulated outage of the DICOMweb gateway. */
  gatewayDown: boolean;
  /**
   * Users whose grants leave out `write`, as a KHEOPS album member without the right to add series:
   * their tokens can read DICOMweb but not STOW.
   */
  readOnlyUsers: Set<string>;
}

export const DEFAULT_ACCESS_TOKEN_TTL = 300;
export const DEFAULT_REFRESH_TOKEN_TTL = 8 * 60 * 60;

export function createSettings(accessTokenTtl?: number, refreshTokenTtl?: number): RuntimeSettings {
  return {
    accessTokenTtl: validTtl('accessTokenTtl', accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL),
    refreshTokenTtl: validTtl('refreshTokenTtl', refreshTokenTtl ?? DEFAULT_REFRESH_TOKEN_TTL),
    providerDown: false,
    gatewayDown: false,
    readOnlyUsers: new Set(),
  };
}

/** oidc-provider rejects TTLs that are not positive safe integers; fail early with the option's name instead. */
export function validTtl(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive whole number of seconds, got ${JSON.stringify(value)}`);
  }
  return value;
}
