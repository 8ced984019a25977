// KHEOPS's codes are stateless JWTs it accepts again for about eleven minutes; the bridge redeems each
// once. The record of codes already seen lives in a directory every replica shares (a volume, NFS): one
// file per code hash, created with O_EXCL, which the file system makes atomic across processes and hosts.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** A KHEOPS code is valid 600 s plus a 60 s leeway; a record older than that guards nothing. */
export const SEEN_CODE_LIFETIME_MS = 11 * 60 * 1000;

export class SeenCodes {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** True the first time a code is offered (on any replica), false ever after while it could still be redeemed. */
  async firstSight(code: string): Promise<boolean> {
    const file = path.join(this.dir, createHash('sha256').update(code).digest('hex'));
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /** Drops records of codes KHEOPS no longer accepts; any replica may run it, and two at once do no harm. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const file = path.join(this.dir, name);
      try {
        if (this.now() - (await stat(file)).mtimeMs > SEEN_CODE_LIFETIME_MS) {
          await rm(file, { force: true });
          removed += 1;
        }
      } catch {
        // another replica removed it first
      }
    }
    return removed;
  }
}
