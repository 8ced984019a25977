// private_key_jwt (RFC 7523), the only client authentication KHEOPS's token endpoint accepts for a report
// provider: iss = sub = client_id, aud = the token endpoint exactly, a fresh jti, a short exp, kid set.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './signing-keys.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** KHEOPS accepts up to 10 min; one is plenty for a request sent at once. */
export const ASSERTION_TTL_SECONDS = 60;

export function clientAssertion(key: SigningKey, clientId: string, tokenEndpoint: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ASSERTION_TTL_SECONDS)
    .sign(key.privateKey);
}
