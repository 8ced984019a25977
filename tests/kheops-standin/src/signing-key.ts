import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export interface SigningKey {
  /** Private JWK (with kid, use, alg) for oidc-provider's `jwks`. */
  privateJwk: JWK;
  /** The matching public key, used by the gateway directly: no need to fetch our own JWKS over HTTP. */
  publicKey: CryptoKey;
  kid: string;
}

/** A fresh RS256 key per start: tokens from an earlier run must not verify against this one. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateJwk: { ...privateJwk, kid, use: 'sig', alg: 'RS256' }, publicKey, kid };
}
