import { objectStoreOpener, promised } from './indexed-db';

/**
 * The tokens of one signed-in user at one issuer, shared by every viewer tab of this origin so that
 * they use one rotating refresh token instead of racing each other with copies of it.
 */
export interface TokenRecord {
  /** oidc-client-ts's own serialisation of the user (tokens, profile, scopes, expiry). */
  user: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** Epoch ms at which this token set arrived, to know its lifetime. */
  receivedAt: number;
}

export interface SharedTokenStore {
  read(key: string): Promise<TokenRecord | undefined>;
  write(key: string, record: TokenRecord): Promise<void>;
  remove(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export class MemoryTokenStore implements SharedTokenStore {
  private readonly records = new Map<string, TokenRecord>();

  async read(key: string): Promise<TokenRecord | undefined> {
    return this.records.get(key);
  }

  async write(key: string, record: TokenRecord): Promise<void> {
    this.records.set(key, record);
  }

  async remove(key: string): Promise<void> {
    this.records.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.records.keys()];
  }
}

/**
 * IndexedDB, not localStorage: it is shared by the tabs as the refresh protocol needs, and it is not
 * the synchronous key-value store that every script and extension habitually dumps and reads.
 */
export class IndexedDbTokenStore implements SharedTokenStore {
  private readonly objectStore = objectStoreOpener('kheops-auth', 'sessions');

  async read(key: string): Promise<TokenRecord | undefined> {
    return (await promised((await this.objectStore('readonly')).get(key))) as TokenRecord | undefined;
  }

  async write(key: string, record: TokenRecord): Promise<void> {
    await promised((await this.objectStore('readwrite')).put(record, key));
  }

  async remove(key: string): Promise<void> {
    await promised((await this.objectStore('readwrite')).delete(key));
  }

  async keys(): Promise<string[]> {
    return ((await promised((await this.objectStore('readonly')).getAllKeys())) as IDBValidKey[]).map(String);
  }
}

/** IndexedDB where the browser has it; a per-tab memory store otherwise (no sharing, still correct). */
export function browserTokenStore(): SharedTokenStore {
  return typeof indexedDB === 'undefined' ? new MemoryTokenStore() : new IndexedDbTokenStore();
}
