/**
 * A plain HTTP proxy in front of a relay API that records every request it forwards (path,
 * soul, status, bytes both ways, start and end times), so tests and benchmarks can count what a
 * reader asks of a peer: requests, not-found waits, concurrency, bytes per minute. Loopback
 * only; nothing is kept past `maxRecords` (the oldest are dropped).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  soul: string | null;
  status: number;
  bytesIn: number;
  bytesOut: number;
  startedAt: number;
  endedAt: number;
}

export interface CountingProxy {
  url: string;
  records(): readonly ProxiedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(
  target: string,
  maxRecords = 100_000,
): Promise<CountingProxy> {
  const base = new URL(target);
  let records: ProxiedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    let bytesIn = 0;
    let bytesOut = 0;
    const upstream = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          bytesOut += chunk.length;
        });
        answer.pipe(res);
        answer.on('end', () => {
          records.push({
            method: req.method ?? 'GET',
            path: url.pathname,
            soul: url.searchParams.get('soul'),
            status: answer.statusCode ?? 0,
            bytesIn,
            bytesOut,
            startedAt,
            endedAt: performance.now(),
          });
          if (records.length > maxRecords) records = records.slice(-maxRecords);
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records: () => records,
    reset: () => {
      records = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** How many separate waits a set of requests cost: their time intervals merged where they overlap. */
export function countWaits(requests: readonly Pick<ProxiedRequest, 'startedAt' | 'endedAt'>[]) {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  let waits = 0;
  let end = -Infinity;
  for (const r of sorted) {
    if (r.startedAt > end) waits += 1;
    end = Math.max(end, r.endedAt);
  }
  return waits;
}
