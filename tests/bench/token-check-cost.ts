import { importJWK, type JSONWebKeySet } from 'jose';
import { checkAccessToken } from '../kheops-standin/src/access-token';
import { GrantRegistry } from '../kheops-standin/src/revocations';

export interface TokenCheckCost {
  iterations: number;
  /** Mean wall time of one check, in microseconds. */
  microseconds: number;
}

/**
 * The gateway's token check alone, in this process: the same function the gateway runs per request
 * (signature, iss, aud, typ, exp, revocation, scope), with the provider's published key. Next to the
 * throughput comparison, whose difference is often smaller than Orthanc's own variation, this says
 * what the check can cost at most.
 */
export async function measureTokenCheck(issuer: string, audience: string, token: string, iterations = 2000): Promise<TokenCheckCost> {
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet;
  const [key] = jwks.keys;
  if (!key) throw new Error(`${issuer}/jwks published no key`);
  const publicKey = (await importJWK(key, 'RS256')) as CryptoKey;
  const verifier = { publicKey, issuer, audience, grants: new GrantRegistry() };
  const first = await checkAccessToken(verifier, token, 'read');
  if (!first.ok) throw new Error(`the token check refused the bench's token: ${first.reason}`);
  for (let i = 0; i < 200; i++) await checkAccessToken(verifier, token, 'read');
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await checkAccessToken(verifier, token, 'read');
  const microseconds = Number(process.hrtime.bigint() - started) / 1e3 / iterations;
  return { iterations, microseconds };
}
