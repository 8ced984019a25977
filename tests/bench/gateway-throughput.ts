import { Agent, request } from 'node:http';

export interface ThroughputResult {
  requests: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/**
 * GETs `url` `total` times with `concurrency` requests in flight, over kept-alive loopback
 * connections, and fails on any non-200 answer (a refused token would otherwise look fast).
 * Bounded: exactly `total` requests, nothing else.
 */
export async function measureThroughput(url: string, headers: Record<string, string>, total: number, concurrency: number): Promise<ThroughputResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        { agent, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: { Accept: 'application/dicom+json', ...headers } },
        res => {
          if (res.statusCode !== 200) reject(new Error(`GET ${target.pathname} answered ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      await one();
    }
  };
  const started = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { requests: total, concurrency, seconds, perSecond: total / seconds };
}
