/**
 * Every metric name gun-sync's processes expose on /metrics, read from their real registries:
 * each service's registry is built with the same factories its start-up uses (prom-client's
 * default process metrics, then the service's own), rendered in the Prometheus text format as a
 * scrape would see it, and the names are read from its `# TYPE` lines. A histogram also
 * exposes `<name>_bucket`, `_sum` and `_count`, a summary `_sum` and `_count`.
 * Dashboards, alert rules and autoscaling queries may use these names and no others.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createPeerReadMetrics } from '@sync/gun-client';
import { createApiMetrics } from '../../services/api/src/metrics.js';
import { createDiscoveryMetrics } from '../../services/discovery/src/metrics.js';
import { createIndexerMetrics } from '../../services/indexer/src/metrics.js';
import { createRelayMetrics } from '../../services/gun-relay/src/metrics.js';
import { createTransformMetrics } from '../../services/transform/src/metrics.js';

/** How each process fills its registry (main.ts / start.ts of each service). */
const services: Record<string, (registry: Registry) => void> = {
  api: (r) => void createApiMetrics(r),
  discovery: (r) => {
    createDiscoveryMetrics(r);
    createPeerReadMetrics(r);
  },
  transform: (r) => {
    createTransformMetrics(r);
    createPeerReadMetrics(r);
  },
  indexer: (r) => void createIndexerMetrics(r),
  'gun-relay': (r) =>
    void createRelayMetrics(r, {
      graphNodes: () => 0,
      storeBytes: async () => 0,
      storeCommits: () => ({ commits: 0, fields: 0, seconds: 0, maxSeconds: 0 }),
      connections: () => ({ incoming: 0, outgoing: 0 }),
    }),
};

const suffixes: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** The sample names a `/metrics` text can carry, from its `# TYPE` lines. */
export function toMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (!match) continue;
    const [, name = '', type = ''] = match;
    for (const suffix of suffixes[type] ?? ['']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** Each service's /metrics text. */
export async function loadExpositions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [service, fill] of Object.entries(services)) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    fill(registry);
    out[service] = await registry.metrics();
    registry.clear();
  }
  return out;
}

/** Metric name → the services that expose it. */
export async function loadMetricCatalog(): Promise<Map<string, string[]>> {
  const catalog = new Map<string, string[]>();
  for (const [service, text] of Object.entries(await loadExpositions())) {
    for (const name of toMetricNames(text))
      catalog.set(name, [...(catalog.get(name) ?? []), service]);
  }
  return catalog;
}
