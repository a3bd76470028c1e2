/**
 * Every stage in one process, sharing one GUN client: the API, discovery, the transform pool
 * and the indexer. Stops in pipeline order, so nothing is handed to a stage that already closed.
 */
import type { Registry } from 'prom-client';
import { startApi } from '@sync/api/start';
import { startDiscovery } from '@sync/discovery/start';
import { configuredRecordTypes } from '@sync/discovery/start';
import { createGunRegistry, createPeerReadMetrics } from '@sync/gun-client';
import { createIndexer } from '@sync/indexer/start';
import type { Logger } from '@sync/logging';
import type { RunningService } from '@sync/runtime';
import { startTransform } from '@sync/transform/start';
import type { StandaloneConfig } from './config.js';

export interface StandaloneOptions {
  log: Logger;
  registry: Registry;
  onFatal: (err: unknown) => void;
  /** Elasticsearch refresh per bulk (tests: 'wait_for'). */
  refresh?: boolean | 'wait_for';
  isShuttingDown?: () => boolean;
}

export interface Standalone extends RunningService {
  nodeId: string;
  /** Where the API listens. */
  apiUrl: string;
}

export async function startStandalone(
  config: StandaloneConfig,
  { log, registry, onFatal, refresh, isShuttingDown = () => false }: StandaloneOptions,
): Promise<Standalone> {
  const gun = createGunRegistry({
    ...config.discovery.gun,
    recordTypes: configuredRecordTypes(config.discovery),
    log: log.child({ component: 'gun' }),
    onPeerRead: createPeerReadMetrics(registry).observe,
  });
  const indexer = await createIndexer(config.indexer, log.child({ stage: 'indexer' }), {
    registry,
    ...(refresh !== undefined ? { refresh } : {}),
  });
  indexer.run().catch(onFatal);
  const transform = await startTransform(config.transform, {
    log: log.child({ stage: 'transform' }),
    gun,
    registry,
    onFatal,
  });
  const discovery = await startDiscovery(config.discovery, {
    log: log.child({ stage: 'discovery' }),
    gun,
    registry,
    onFatal,
  });
  const api = await startApi(config.api, log.child({ stage: 'api' }), { isShuttingDown });
  let closing: Promise<void> | undefined;
  return {
    nodeId: discovery.nodeId,
    apiUrl: api.url,
    ready: () => discovery.ready() && transform.ready() && indexer.isReady() && api.ready(),
    close() {
      closing ??= (async () => {
        await api.close();
        await discovery.close();
        await transform.close();
        await indexer.close();
        await gun.close();
      })();
      return closing;
    },
  };
}
