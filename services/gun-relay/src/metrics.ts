/**
 * The relay's /metrics: its HTTP API (requests and answer times per route), the answers of its
 * store (reads found, not found or failed; writes stored or failed), its GUN connections, the
 * size of its in-memory graph and of its radisk folder. Route labels are the API's fixed paths
 * (anything else is "other"), so no label grows with traffic. Gauges are read at each scrape.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RelayMetricSources {
  /** Nodes in GUN's in-memory graph. */
  graphNodes(): number;
  /** Bytes of the radisk folder (0 without radisk). */
  storeBytes(): Promise<number>;
  /** The sqlite store's commits so far (undefined with another store). */
  storeCommits(): StoreCommits | undefined;
  /** Open GUN WebSockets: peers that connected to us, peers we dialled. */
  connections(): { incoming: number; outgoing: number };
}

export interface StoreCommits {
  commits: number;
  fields: number;
  seconds: number;
  maxSeconds: number;
}

export const relayRoutes = ['/get', '/put', '/list', '/peers/status', '/health', '/metrics'];

export function createRelayMetrics(registry: Registry, sources: RelayMetricSources) {
  const requests = new Counter({
    name: 'sync_relay_requests_total',
    help: 'Relay HTTP API requests by route and status code',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sync_relay_request_duration_seconds',
    help: 'Time to answer a relay HTTP API request, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reads = new Counter({
    name: 'sync_relay_reads_total',
    help: 'Node reads of the relay store (GET /get and its resolved links), by answer: found, not-found, partial (still arriving at the stream limit), error',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const writes = new Counter({
    name: 'sync_relay_writes_total',
    help: 'Records written through POST /put, by result: stored, error',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sync_relay_connections',
    help: 'Open GUN WebSocket connections, by direction (incoming: peers connected to this relay; outgoing: GUN_PEERS it dialled)',
    labelNames: ['direction'] as const,
    registers: [registry],
    collect() {
      const { incoming, outgoing } = sources.connections();
      this.set({ direction: 'incoming' }, incoming);
      this.set({ direction: 'outgoing' }, outgoing);
    },
  });
  new Gauge({
    name: 'sync_relay_graph_nodes',
    help: 'Nodes held in GUN’s in-memory graph (it grows with what the relay stored or read)',
    registers: [registry],
    collect() {
      this.set(sources.graphNodes());
    },
  });
  new Gauge({
    name: 'sync_relay_store_bytes',
    help: 'Bytes of the radisk folder (GUN_RELAY_DATA_DIR)',
    registers: [registry],
    async collect() {
      this.set(await sources.storeBytes());
    },
  });
  const commitGauge = (name: string, help: string, pick: (c: StoreCommits) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const commits = sources.storeCommits();
        if (commits) this.set(pick(commits));
      },
    });
  commitGauge(
    'sync_relay_store_commits',
    'Transactions the sqlite store committed since the relay started (one fsync each)',
    (c) => c.commits,
  );
  commitGauge(
    'sync_relay_store_committed_fields',
    'Fields the sqlite store committed since the relay started',
    (c) => c.fields,
  );
  commitGauge(
    'sync_relay_store_commit_seconds',
    'Time the relay spent in sqlite commits since it started (its event loop waits for each)',
    (c) => c.seconds,
  );
  commitGauge(
    'sync_relay_store_commit_max_seconds',
    'The longest sqlite commit since the relay started',
    (c) => c.maxSeconds,
  );
  return {
    /** Counts one answered request; `path` outside the API is counted as "other". */
    request(path: string, code: number, seconds: number): void {
      const route = relayRoutes.includes(path) ? path : 'other';
      requests.inc({ route, code: String(code) });
      duration.observe({ route }, seconds);
    },
    read(result: 'found' | 'not-found' | 'partial' | 'error'): void {
      reads.inc({ result });
    },
    write(result: 'stored' | 'error'): void {
      writes.inc({ result });
    },
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
