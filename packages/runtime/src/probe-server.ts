/**
 * A tiny node:http server for worker processes: /health/live never touches dependencies,
 * /health/ready asks the service, /metrics serves the injected Prometheus registry.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ProbeServer {
  port: number;
  close(): Promise<void>;
}

export interface ProbeServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  ready: () => boolean | Promise<boolean>;
}

export async function startProbeServer({
  port,
  host = '0.0.0.0',
  registry,
  ready,
}: ProbeServerOptions): Promise<ProbeServer> {
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/health/live') return send(200, '{"status":"ok"}');
    if (route === '/health/ready') {
      void Promise.resolve()
        .then(ready)
        .then(
          (ok) => send(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ready' : 'not-ready' })),
          () => send(503, '{"status":"not-ready"}'),
        );
      return;
    }
    if (route === '/metrics') {
      void registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        () => send(500, '{"error":"metrics unavailable"}'),
      );
      return;
    }
    send(404, '{"error":"not found"}');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
