// The keys KHEOPS checks the bridge's client assertions with. KHEOPS fetches the bridge's JWKS (by the
// `jwks_uri` of its configuration document) at every token request and picks the key by `kid`, so a
// rotation is: add the new key last (both published), then drop the old one once no replica signs with it.
import { calculateJwkThumbprint, exportJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { createPublicKey } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SigningKeys {
  /** The newest key: the one that signs. */
  current: SigningKey;
  jwks: { keys: JWK[] };
}

export async function loadSigningKeys(pems: string[]): Promise<SigningKeys> {
  if (pems.length === 0) throw new Error('at least one signing key is needed');
  const keys: SigningKey[] = [];
  for (const pem of pems) {
    const publicJwk = await exportJWK(createPublicKey(pem));
    if (publicJwk.kty !== 'RSA') throw new Error('signing keys must be RSA (KHEOPS accepts RS256 only)');
    // The thumbprint as kid: the same key gets the same kid on every replica, with nothing to configure.
    const kid = await calculateJwkThumbprint(publicJwk);
    keys.push({ kid, privateKey: await importPKCS8(pem, 'RS256'), publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } });
  }
  return { current: keys[keys.length - 1] as SigningKey, jwks: { keys: keys.map(key => key.publicJwk) } };
}
