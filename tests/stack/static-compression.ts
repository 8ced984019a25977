import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Brotli and gzip copies of the viewer's static files, made once per file version and kept on disk
 * (the cache folder outlives the process, so every later stack start finds them), as a deployer's
 * build step or CDN would. OHIF's app is 26.6 MB of JavaScript, CSS and WebAssembly; brotli makes it
 * about a fifth of that, which on a hospital link is most of a cold launch.
 */
export type Encoding = 'br' | 'gzip';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.wasm', '.svg', '.txt', '.xml', '.map']);
/** Below this, the headers cost more than compression saves. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The encoding to send for an Accept-Encoding header: brotli first, then gzip, else none. */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): Encoding | undefined {
  const offered = new Map<string, number>();
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map(param => param.trim()).find(param => param.startsWith('q='));
    offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  const allowed = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return undefined;
}

export function isCompressible(file: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.has(path.extname(file).toLowerCase());
}

export class CompressedCopies {
  /** Files whose copies are being made, so two requests do not make them twice. */
  private readonly making = new Map<string, Promise<void>>();

  constructor(private readonly cacheDir: string) {}

  private key(file: string): string {
    const stat = statSync(file);
    return createHash('sha256').update(`${path.resolve(file)}|${stat.size}|${stat.mtimeMs}`).digest('hex').slice(0, 32);
  }

  private copyPath(key: string, encoding: Encoding): string {
    return path.join(this.cacheDir, `${key}.${encoding === 'br' ? 'br' : 'gz'}`);
  }

  /** The compressed copy's path when it exists; otherwise starts making it and returns undefined (send the file as it is). */
  copyOf(file: string, encoding: Encoding): string | undefined {
    const key = this.key(file);
    const copy = this.copyPath(key, encoding);
    if (existsSync(copy)) return copy;
    void this.make(file).catch(() => undefined);
    return undefined;
  }

  /** Makes both copies of a file (brotli quality 9: most of quality 11's gain at a fraction of its time). */
  make(file: string): Promise<void> {
    const key = this.key(file);
    const running = this.making.get(key);
    if (running) return running;
    const work = (async () => {
      if (existsSync(this.copyPath(key, 'br')) && existsSync(this.copyPath(key, 'gzip'))) return;
      const bytes = readFileSync(file);
      const [br, gz] = await Promise.all([
        brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
        gzipAsync(bytes, { level: 9 }),
      ]);
      mkdirSync(this.cacheDir, { recursive: true });
      for (const [encoding, data] of [['br', br], ['gzip', gz]] as const) {
        // Written beside, then renamed: a reader never sees half a file.
        const target = this.copyPath(key, encoding);
        const partial = `${target}.${process.pid}.partial`;
        writeFileSync(partial, data);
        renameSync(partial, target);
      }
    })().finally(() => this.making.delete(key));
    this.making.set(key, work);
    return work;
  }

  /** Makes the copies of every compressible file in the list, a few at a time. */
  async makeAll(files: string[], concurrency = 2): Promise<void> {
    const queue = files.filter(file => isCompressible(file, statSync(file).size));
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) await this.make(file);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}
