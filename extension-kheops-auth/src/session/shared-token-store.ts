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
}

const DATABASE = 'kheops-auth';
const OBJECT_STORE = 'sessions';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * IndexedDB, not localStorage: it is shared by the tabs as the refresh protocol needs, and it is not
 * the synchronous key-value store that every script and extension habitually dumps and reads.
 */
export class IndexedDbTokenStore implements SharedTokenStore {
  private database: Promise<IDBDatabase> | undefined;

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(OBJECT_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.database;
  }

  private async objectStore(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.open()).transaction(OBJECT_STORE, mode).objectStore(OBJECT_STORE);
  }

  async read(key: string): Promise<TokenRecord | undefined> {
    return (await promised((await this.objectStore('readonly')).get(key))) as TokenRecord | undefined;
  }

  async write(key: string, record: TokenRecord): Promise<void> {
    await promised((await this.objectStore('readwrite')).put(record, key));
  }

  async remove(key: string): Promise<void> {
    await promised((await this.objectStore('readwrite')).delete(key));
  }
}

/** IndexedDB where the browser has it; a per-tab memory store otherwise (no sharing, still correct). */
export function browserTokenStore(): SharedTokenStore {
  return typeof indexedDB === 'undefined' ? new MemoryTokenStore() : new IndexedDbTokenStore();
}
