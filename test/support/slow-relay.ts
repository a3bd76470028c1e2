/**
 * A deliberately slow relay: an HTTP server on 127.0.0.1 in front of a real relay that answers
 * every request `delayMs` later than the relay did, and works on at most `capacity` requests at
 * a time (the rest queue, as on a relay whose CPU is saturated): more requests in flight only
 * make each answer slower. Counts what it served and the most it ever had queued.
 */
import {
  createServer,
  request,
  type IncomingMessage,
  type RequestOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** The same request, sent to `upstream` instead (host header included). */
export function forwardedRequest(upstream: URL, req: IncomingMessage): RequestOptions {
  return {
    host: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: { ...req.headers, host: upstream.host },
  };
}

export interface SlowRelay {
  url: string;
  stats(): { served: number; maxQueued: number };
  close(): Promise<void>;
}

export async function startSlowRelay(
  target: string,
  { delayMs, capacity }: { delayMs: number; capacity: number },
): Promise<SlowRelay> {
  const upstream = new URL(target);
  let active = 0;
  let served = 0;
  let maxQueued = 0;
  const queue: (() => void)[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const out = request(forwardedRequest(upstream, req), (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          setTimeout(() => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
            served += 1;
            active -= 1;
            queue.shift()?.();
          }, delayMs);
        });
      });
      out.on('error', () => {
        res.writeHead(502).end();
        active -= 1;
        queue.shift()?.();
      });
      out.end(Buffer.concat(body));
    });
  };
  const server = createServer((req, res) => {
    const start = () => {
      active += 1;
      forward(req, res);
    };
    if (active < capacity) start();
    else {
      queue.push(start);
      maxQueued = Math.max(maxQueued, queue.length);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ served, maxQueued }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
