import { Gauge, type Registry } from 'prom-client';

/** The discovery stage's own metrics, bound to an injected registry. */
export function createDiscoveryMetrics(registry: Registry) {
  return {
    orphans: new Gauge({
      name: 'sync_discovery_orphans',
      help: 'Indexed gun documents no registry lists any more (last full scan)',
      registers: [registry],
    }),
  };
}

export type DiscoveryMetrics = ReturnType<typeof createDiscoveryMetrics>;
