import { Gauge, type Registry } from 'prom-client';

/** The discovery stage's own metrics, bound to an injected registry. */
export function createDiscoveryMetrics(registry: Registry) {
  return {
    reconcileEntries: new Gauge({
      name: 'sync_discovery_reconcile_entries',
      help: 'Registry entries and indexed documents by reconciliation state (last full scan; reset when a run fails)',
      labelNames: ['state'],
      registers: [registry],
    }),
    reconcileOk: new Gauge({
      name: 'sync_discovery_reconcile_ok',
      help: '1 when the last reconciliation completed, 0 when it could not run',
      registers: [registry],
    }),
  };
}

export type DiscoveryMetrics = ReturnType<typeof createDiscoveryMetrics>;
