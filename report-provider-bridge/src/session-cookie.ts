// The launch's session, sealed into the browser's cookie (JWE, dir + A256GCM): whatever replica
// receives a request can open it, nothing is kept in any process's memory, and the browser's script can
// neither read the token (HttpOnly) nor send the cookie from another site (SameSite=Strict).
import { createHash, randomUUID } from 'node:crypto';
import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';

export interface BridgeSession {
  /** A random id for log lines (never the cookie, never the token). */
  sid: string;
  accessToken: string;
  /** Epoch seconds: the token's real end (introspected, else the token response's expires_in). */
  expiresAt: number;
  subject?: string | undefined;
  scopes: string[];
  /** The study's DICOMweb root at the KHEOPS the launch came from: the only place the token goes. */
  dicomWebRoot: string;
  studyUids: string[];
  returnUri?: string | undefined;
}

export interface SessionCookieOptions {
  /** Newest first: the first seals, every one opens (rotation). */
  keys: Uint8Array[];
  secure: boolean;
  path: string;
}

export function cookieName(secure: boolean): string {
  // __Host- binds the cookie to this host and path "/" (no subdomain can set or overwrite it); it needs Secure.
  return secure ? '__Host-kheops-bridge' : 'kheops-bridge';
}

function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export class SessionCookie {
  private readonly byId: Map<string, Uint8Array>;

  constructor(private readonly options: SessionCookieOptions) {
    if (options.keys.length === 0) throw new Error('at least one cookie key is needed');
    this.byId = new Map(options.keys.map(key => [keyId(key), key]));
  }

  static newSid(): string {
    return randomUUID();
  }

  async seal(session: BridgeSession): Promise<string> {
    const key = this.options.keys[0] as Uint8Array;
    const { expiresAt, ...rest } = session;
    return new EncryptJWT({ ...rest })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keyId(key) })
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .encrypt(key);
  }

  /** The Set-Cookie header value that holds the session until the token's end. */
  async setCookieHeader(session: BridgeSession, nowSeconds: number): Promise<string> {
    const maxAge = Math.max(0, session.expiresAt - nowSeconds);
    const parts = [`${cookieName(this.options.secure)}=${await this.seal(session)}`, `Path=${this.cookiePath()}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict'];
    if (this.options.secure) parts.push('Secure');
    return parts.join('; ');
  }

  clearCookieHeader(): string {
    return [`${cookieName(this.options.secure)}=`, `Path=${this.cookiePath()}`, 'Max-Age=0', 'HttpOnly', 'SameSite=Strict', ...(this.options.secure ? ['Secure'] : [])].join('; ');
  }

  private cookiePath(): string {
    return this.options.secure ? '/' : this.options.path || '/';
  }

  /** The session in the request's cookie, or undefined when there is none, it is not ours, or it has ended. */
  async open(cookieHeader: string | undefined): Promise<BridgeSession | undefined> {
    const value = readCookie(cookieHeader, cookieName(this.options.secure));
    if (!value) return undefined;
    try {
      const { payload } = await jwtDecrypt(value, protectedHeader => {
        const key = protectedHeader.kid ? this.byId.get(protectedHeader.kid) : undefined;
        if (!key) throw new Error('sealed with a key this bridge no longer has');
        return key;
      }, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      return toSession(payload);
    } catch {
      return undefined;
    }
  }
}

function toSession(payload: JWTPayload): BridgeSession | undefined {
  const { sid, accessToken, subject, scopes, dicomWebRoot, studyUids, returnUri, exp } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sid !== 'string' || typeof accessToken !== 'string' || typeof dicomWebRoot !== 'string' || typeof exp !== 'number') return undefined;
  if (!Array.isArray(scopes) || !Array.isArray(studyUids)) return undefined;
  return {
    sid,
    accessToken,
    expiresAt: exp,
    subject: typeof subject === 'string' ? subject : undefined,
    scopes: scopes.filter((scope): scope is string => typeof scope === 'string'),
    dicomWebRoot,
    studyUids: studyUids.filter((uid): uid is string => typeof uid === 'string'),
    returnUri: typeof returnUri === 'string' ? returnUri : undefined,
  };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
