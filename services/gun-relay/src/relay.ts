/**
 * A GUN relay: GUN's WebSocket endpoint at /gun on a plain node:http server, radisk storage
 * in a folder, and the settings every GUN instance here must use (no multicast, no stats
 * file, no localStorage, no AXE).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import gunModule from 'gun';
import type { Logger } from '@sync/logging';

/** The part of GUN's untyped factory this file uses. */
type GunFactory = (options: Record<string, unknown>) => { _: { opt: { ws?: { web?: { clients?: Set<{ terminate(): void }>; close(): void } } } } };
const Gun = gunModule as unknown as GunFactory;

export interface RelayOptions {
  host: string;
  port: number;
  dataDir: string;
  radisk: boolean;
  peers: readonly string[];
  log: Logger;
}

export interface Relay {
  /** http://host:port of the relay; its GUN WebSocket is `${url}/gun`. */
  url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify(body));
}

export async function startRelay({ host, port, dataDir, radisk, peers, log }: RelayOptions): Promise<Relay> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return sendJson(res, 200, { status: 'ok', peers: peers.length });
    if (path === '/gun') return; // WebSocket upgrades are handled by GUN
    sendJson(res, 404, { error: 'Endpoint not found' });
  });
  const gun = Gun({
    web: server,
    file: dataDir,
    radisk,
    localStorage: false,
    multicast: false,
    stats: false,
    axe: false,
    peers: [...peers],
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  log.info({ url, dataDir, radisk, peers: peers.length }, 'gun relay listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const wss = gun._.opt.ws?.web;
        for (const client of wss?.clients ?? []) client.terminate();
        wss?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
