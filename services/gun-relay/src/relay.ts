/**
 * A drop-in for OIP's relay container: GUN's WebSocket at /gun (its graph kept in sqlite, radisk
 * or memory, peers from GUN_PEERS) and OIP's relay HTTP API on the same port, with bounded reads,
 * body limits, validated writes, an optional write token, Prometheus metrics at /metrics and a
 * shutdown that never waits on a stuck request.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  closeGun,
  countOpenOutgoingPeers,
  countOpenPeers,
  createServerGun,
  gunLoadMessages,
} from '@sync/gun-client/gun';
import type { Logger } from '@sync/logging';
import { sendJson } from './http-io.js';
import { createRelayMetrics } from './metrics.js';
import { fastBehaviour, type OipBehaviour } from './oip-behaviour.js';
import { createRelayStore, type RelayStore, type RelayStoreKind } from './relay-store.js';
import { folderBytes } from './store-size.js';
import { makeRouter } from './router.js';
import { makeGetRoute } from './routes/get.js';
import { makeListRoute } from './routes/list.js';
import { makePeersStatusRoute } from './routes/peers-status.js';
import { makePutRoute } from './routes/put.js';
import { openGraphStore, type OpenedGraphStore } from './store/open-graph-store.js';

export interface RelayOptions {
  host: string;
  port: number;
  dataDir: string;
  store: RelayStoreKind;
  /** sqlite store: GUN's in-memory graph is pruned above this many (estimated) bytes (default 64 MiB). */
  graphMaxBytes?: number;
  peers: readonly string[];
  log: Logger;
  /** Longest GET /get waits for memory, disk and peers (default 250 ms). */
  getWaitMs?: number;
  /** Longest GET /get waits for a node still arriving in parts (default: 10 s, at least getWaitMs). */
  streamLimitMs?: number;
  /** Longest POST /put waits for GUN to store a write (default 10 s). */
  putTimeoutMs?: number;
  /** Largest request body (default 8 MiB). */
  maxBodyBytes?: number;
  /** Bearer token POST /put must carry; unset = open writes. */
  writeToken?: string | undefined;
  /** How long close() lets requests in flight finish before cutting them (default 2 s). */
  drainMs?: number;
  /** Where /metrics is collected; a fresh one with the process metrics by default. */
  registry?: Registry;
  /** OIP-behaviour mode of GET /get (`oip-behaviour.ts`); default fast. */
  behaviour?: OipBehaviour;
}

export interface Relay {
  /** http://host:port of the relay; its GUN WebSocket is `${url}/gun`. */
  url: string;
  /** Nodes in GUN's in-memory graph and, with the sqlite store, what the store did. */
  stats(): RelayStats;
  close(): Promise<void>;
}

export interface RelayStats {
  graphNodes: number;
  store?: ReturnType<OpenedGraphStore['stats']>;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { host, port, dataDir, peers, log } = options;
  const storeKind = options.store;
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per request in flight, removed when it ends

  const registry = options.registry ?? defaultRegistry();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const started = performance.now();
    res.once('finish', () =>
      metrics.request(path, res.statusCode, (performance.now() - started) / 1000),
    );
    if (path === '/health') return sendJson(res, 200, { status: 'ok', peers: peers.length });
    if (path === '/metrics' && req.method === 'GET') {
      void registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => {
          log.warn({ err }, 'metrics collection failed');
          sendJson(res, 500, { error: 'Internal error' });
        },
      );
      return;
    }
    const handling = router(req, res, shutdown.signal).finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;

  const gun = createServerGun({
    web: server,
    peers,
    file: dataDir,
    store: storeKind === 'sqlite' ? 'adapter' : storeKind,
  });
  let graphStore: OpenedGraphStore | undefined;
  try {
    if (storeKind === 'sqlite')
      graphStore = openGraphStore(gun._, {
        dataDir,
        graphMaxBytes: options.graphMaxBytes ?? 64 * 1024 * 1024,
        log,
      });
  } catch (err) {
    await closeGun(gun);
    throw err;
  }
  const metrics = createRelayMetrics(registry, {
    graphNodes: () => Object.keys(gun._.graph).length,
    storeBytes: () => (storeKind === 'memory' ? Promise.resolve(0) : folderBytes(dataDir)),
    storeCommits: () => {
      if (!graphStore) return undefined;
      const { commits, committedFields, commitSeconds, maxCommitSeconds } = graphStore.stats();
      return {
        commits,
        fields: committedFields,
        seconds: commitSeconds,
        maxSeconds: maxCommitSeconds,
      };
    },
    connections: () => {
      const outgoing = countOpenOutgoingPeers(gun._);
      return { incoming: countOpenPeers(gun._) - outgoing, outgoing };
    },
  });
  const store = counted(
    createRelayStore({
      root: gun._,
      store: storeKind,
      getWaitMs: options.getWaitMs ?? 250,
      ...(options.streamLimitMs !== undefined ? { streamLimitMs: options.streamLimitMs } : {}),
      putTimeoutMs: options.putTimeoutMs ?? 10_000,
    }),
    metrics,
  );
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

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    await closeGun(gun);
    graphStore?.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  log.info(
    {
      url,
      dataDir,
      store: storeKind,
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
    stats: () => ({
      graphNodes: Object.keys(gun._.graph).length,
      ...(graphStore ? { store: graphStore.stats() } : {}),
    }),
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
        graphStore?.close();
        await closed;
        log.info({ url }, 'gun relay closed');
      })();
      return closing;
    },
  };
}

function defaultRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The store, counting each read by its answer and each write by its result. */
function counted(
  store: RelayStore,
  metrics: Pick<ReturnType<typeof createRelayMetrics>, 'read' | 'write'>,
): RelayStore {
  return {
    ...store,
    async readNode(soul, signal) {
      const result = await store.readNode(soul, signal);
      metrics.read(
        result.status === 'error' && result.error.code === 'SYNC_GUN_PARTIAL'
          ? 'partial'
          : result.status,
      );
      return result;
    },
    async put(soul, data, signal) {
      try {
        await store.put(soul, data, signal);
        metrics.write('stored');
      } catch (err) {
        metrics.write('error');
        throw err;
      }
    },
  };
}
