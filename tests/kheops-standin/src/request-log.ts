import { createWriteStream, type WriteStream } from 'node:fs';

export type GatewayOutcome =
  | 'forwarded'
  | 'no-token'
  | 'invalid-token'
  | 'expired'
  | 'insufficient-scope'
  | 'revoked'
  | 'preflight'
  /** Forwarded by a gateway started with `anonymousGateway` (benchmark only): no token was looked at. */
  | 'anonymous';

/** What the gateway may know and log of a token: its id, subject, scopes and lifetime, never the token. */
export interface TokenFacts {
  /** The token's `jti`, or 'none' when no verifiable token was presented. */
  tokenId: string;
  sub?: string;
  scope?: string;
  exp?: number;
  iat?: number;
  /** Which of released KHEOPS's token kinds it was (released/released-tokens.ts); unset for the default stand-in's. */
  kind?: 'realm' | 'viewer' | 'report-provider';
}

/** One gateway request. Holds facts about the token, never the token. */
export interface RequestLogEntry extends TokenFacts {
  time: string;
  method: string;
  /** Path and query, with a `/link/<token>/` segment redacted. */
  path: string;
  status: number;
  outcome: GatewayOutcome;
  reason?: string;
}

const DEFAULT_CAPACITY = 20000;

/** KHEOPS-style links carry a token in the path; a log must never keep it. */
export function redactPath(pathAndQuery: string): string {
  return pathAndQuery.replace(/\/link\/[^/?#]*(?=\/|\?|#|$)/g, '/link/[redacted]');
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private readonly file: WriteStream | undefined;

  constructor(
    logFile?: string,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    this.file = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    this.file?.on('error', (error) => console.error(`kheops-standin: cannot write request log ${logFile}: ${error.message}`));
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // Trim in batches so a busy study load does not shift the array on every request.
    if (this.entries.length > this.capacity * 1.1) this.entries = this.entries.slice(-this.capacity);
    this.file?.write(`${JSON.stringify(entry)}\n`);
  }

  list(): RequestLogEntry[] {
    return this.entries.slice(-this.capacity);
  }

  clear(): void {
    this.entries = [];
  }

  async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    await new Promise<void>((resolve) => file.end(resolve));
  }
}
