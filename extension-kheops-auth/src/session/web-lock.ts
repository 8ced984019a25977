/** Runs `task` while holding the named lock; no other holder of the same name runs meanwhile. */
export type WithLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

const queues = new Map<string, Promise<unknown>>();

/**
 * A lock that only serialises callers inside this JavaScript context: the fallback where the Web
 * Locks API is missing, and the stand-in for it in unit tests.
 */
export const inProcessLock: WithLock = (name, task) => {
  const previous = queues.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  const tail = run.catch(() => undefined);
  queues.set(name, tail);
  void tail.then(() => {
    if (queues.get(name) === tail) queues.delete(name);
  });
  return run;
};

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/**
 * The Web Locks API serialises across every tab and worker of this origin, which is what keeps two
 * viewer tabs from presenting the same rotating refresh token twice (oidc-client-ts has no such lock).
 */
export function browserLock(): WithLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks) return inProcessLock;
  return (name, task) => locks.request(name, { mode: 'exclusive' }, task);
}
