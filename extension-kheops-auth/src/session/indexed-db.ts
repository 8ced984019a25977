/** Resolves with a request's result; IndexedDB reports through events, not promises. */
export function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * One object store in its own database, opened on first use and kept open. Each call of the
 * returned function starts a transaction of its own.
 */
export function objectStoreOpener(
  database: string,
  objectStore: string,
  options?: IDBObjectStoreParameters,
): (mode: IDBTransactionMode) => Promise<IDBObjectStore> {
  let opened: Promise<IDBDatabase> | undefined;
  return async mode => {
    opened ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(database, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(objectStore, options);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return (await opened).transaction(objectStore, mode).objectStore(objectStore);
  };
}
