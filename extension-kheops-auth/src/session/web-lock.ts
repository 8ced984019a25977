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

/**
 * Which sessions have a viewer tab open: each tab holds a shared lock named after its session for as
 * long as it lives (the browser releases it when the tab goes), and anyone can ask whether a lock of
 * that name is held. Absent where the Web Locks API is missing: nobody can then tell, so nothing is
 * declared abandoned.
 */
export interface TabPresence {
  /** Marks this tab as holding `key`'s session until the returned function is called or the tab closes. */
  hold(key: string): () => void;
  isHeld(key: string): Promise<boolean>;
}

interface LockManagerWithQuery extends LockManagerLike {
  request<T>(name: string, options: { mode: 'shared' | 'exclusive' }, callback: () => Promise<T>): Promise<T>;
  query(): Promise<{ held?: Array<{ name?: string }>; pending?: Array<{ name?: string }> }>;
}

const presenceLockName = (key: string) => `kheops-auth:tab:${key}`;

export function browserTabPresence(): TabPresence | undefined {
  const locks = (globalThis.navigator as { locks?: LockManagerWithQuery } | undefined)?.locks;
  if (!locks?.query) return undefined;
  return {
    hold(key) {
      let release!: () => void;
      const held = new Promise<void>(resolve => (release = resolve));
      void locks.request(presenceLockName(key), { mode: 'shared' }, () => held);
      return release;
    },
    async isHeld(key) {
      const { held = [], pending = [] } = await locks.query();
      return [...held, ...pending].some(lock => lock.name === presenceLockName(key));
    },
  };
}
