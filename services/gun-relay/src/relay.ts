/**
 * A drop-in for OIP's relay container: GUN's WebSocket at /gun (radisk storage in a folder,
 * peers from GUN_PEERS) and OIP's relay HTTP API on the same port, with bounded reads, body
 * limits, validated writes, an optional write token and a shutdown that never waits on a
 * stuck request.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGun, createServerGun, gunLoadMessages } from '@sync/gun-client/gun';
import type { Logger } from '@sync/logging';
import { sendJson } from './http-io.js';
import { fastBehaviour, type OipBehaviour } from './oip-behaviour.js';
import { createRelayStore } from './relay-store.js';
import { makeRouter } from './router.js';
import { makeGetRoute } from './routes/get.js';
import { makeListRoute } from './routes/list.js';
import { makePeersStatusRoute } from './routes/peers-status.js';
import { makePutRoute } from './routes/put.js';

export interface RelayOptions {
  host: string;
  port: number;
  dataDir: string;
  radisk: boolean;
  peers: readonly string[];
  log: Logger;
  /** Longest GET /get waits for memory, disk and peers (default 250 ms). */
  getWaitMs?: number;
  /** Longest POST /put waits for GUN to store a write (default 10 s). */
  putTimeoutMs?: number;
  /** Largest request body (default 8 MiB). */
  maxBodyBytes?: number;
  /** Bearer token POST /put must carry; unset = open writes. */
  writeToken?: string | undefined;
  /** How long close() lets requests in flight finish before cutting them (default 2 s). */
  drainMs?: number;
  /** OIP-behaviour mode of GET /get (`oip-behaviour.ts`); default fast. */
  behaviour?: OipBehaviour;
}

export interface Relay {
  /** http://host:port of the relay; its GUN WebSocket is `${url}/gun`. */
  url: string;
  close(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { host, port, dataDir, radisk, peers, log } = options;
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per request in flight, removed when it ends

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return sendJson(res, 200, { status: 'ok', peers: peers.length });
    const handling = router(req, res, shutdown.signal).finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;

  const gun = createServerGun({ web: server, peers, file: dataDir, radisk });
  const store = createRelayStore({
    root: gun._,
    radisk,
    getWaitMs: options.getWaitMs ?? 250,
    putTimeoutMs: options.putTimeoutMs ?? 10_000,
  });
  const router = makeRouter(
    {
      '/get': { GET: makeGetRoute(store, options.behaviour ?? fastBehaviour) },
      '/put': {
        POST: makePutRoute({
          store,
          maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
          writeToken: options.writeToken,
          log,
        }),
      },
      '/list': { GET: makeListRoute(store) },
      '/peers/status': { GET: makePeersStatusRoute(peers, store) },
    },
    log,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  log.info(
    {
      url,
      dataDir,
      radisk,
      peers: peers.length,
      writeToken: Boolean(options.writeToken),
      behaviour: options.behaviour ?? fastBehaviour,
      // gun's welcome line, which it would print on stdout when loaded.
      gun: gunLoadMessages,
    },
    'gun relay listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const drained = Promise.allSettled([...inFlight]);
        const timer = new Promise<void>((resolve) =>
          setTimeout(resolve, options.drainMs ?? 2_000).unref(),
        );
        await Promise.race([drained, timer]);
        shutdown.abort(); // reads and writes still waiting give up at once
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise<void>((resolve) => setTimeout(resolve, 100).unref()),
        ]);
        server.closeAllConnections();
        await closeGun(gun);
        await closed;
        log.info({ url }, 'gun relay closed');
      })();
      return closing;
    },
  };
}
