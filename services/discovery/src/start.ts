/**
 * Starts the discovery stage on a given GUN registry: used by main.ts and the one-process
 * runner. The live subscription runs beside the scheduled scans when enabled.
 */
import type { Registry } from 'prom-client';
import { createEsClient } from '@sync/es-client';
import {
  createGunRegistry,
  createPeerReadMetrics,
  resolveAndKeepNodeId,
  type GunRegistry,
} from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { QueueName, connectRedis, createProducer } from '@sync/queues';
import {
  createEntrySpill,
  createDeadLetters,
  createPolicySkips,
  createScanMarks,
  createStats,
  createTombstones,
  createWatermarks,
  stateKeys,
} from '@sync/state';
import { createDiscoveryMetrics } from './metrics.js';
import type { DiscoveryConfig } from './config.js';
import type { DiscoverDeps } from './discover.js';
import { startLiveSync, type LiveSync } from './live.js';
import { configuredRecordTypes } from './oip-record-types.js';
import { toPolicyFingerprint, typesToScan, type SyncPolicy } from './policy.js';
import { makeIndexedVersions } from './indexed-versions.js';
import { makeReconcileHook } from './reconcile/hook.js';
import { defaultMaxRecordBytes } from './reconcile/session.js';
import { createDiscoveryWorker } from './worker.js';

export interface DiscoveryRuntime {
  nodeId: string;
  ready(): boolean;
  close(): Promise<void>;
}

export { configuredRecordTypes };

export interface StartOptions {
  log: Logger;
  /** A GUN client to share (the one-process runner); without it the stage makes and owns one. */
  gun?: GunRegistry;
  registry: Registry;
  /** Called when the worker loop dies: the process should shut down (exit 1). */
  onFatal: (err: unknown) => void;
}

export async function startDiscovery(
  config: DiscoveryConfig,
  { log, gun: sharedGun, registry, onFatal }: StartOptions,
): Promise<DiscoveryRuntime> {
  const { prefix } = config.redis;
  const gun =
    sharedGun ??
    createGunRegistry({
      ...config.gun,
      recordTypes: configuredRecordTypes(config),
      log: log.child({ component: 'gun' }),
      onPeerRead: createPeerReadMetrics(registry).observe,
    });
  const producer = await connectRedis(config.redis.url, 'producer');
  const workerConnection = await connectRedis(config.redis.url, 'worker');
  const nodeIdKey = stateKeys(prefix).nodeId;
  // A generated id lives only in Redis: written back if Redis loses it while this runs.
  const { nodeId, stopKeeping: stopKeepingNodeId } = await resolveAndKeepNodeId({
    override: config.gun.nodeIdOverride,
    redis: producer,
    key: nodeIdKey,
    log,
  });
  const es = createEsClient(config.elasticsearch);
  const transform = createProducer(QueueName.transform, { connection: producer, prefix });
  const index = createProducer(QueueName.index, { connection: producer, prefix });
  const stats = createStats(producer, prefix);
  const policy: SyncPolicy = {
    selfNodeId: nodeId,
    trustedNodes: config.sync.trustedNodes,
    typeFilter: config.sync.typeFilter,
  };
  const watermarks = createWatermarks(producer, prefix);
  const scanMarks = createScanMarks(producer, prefix);
  const policyFingerprint = toPolicyFingerprint(policy, config.sync);
  if (await watermarks.adoptPolicy(policyFingerprint)) {
    // Entries skipped or enqueued under the old rules are looked at again by the next full scan.
    await scanMarks.clear();
    log.info(
      { policy: policyFingerprint },
      'sync policy changed (trust, types or private records): the next scan reads every registry entry again',
    );
  }
  const deps: DiscoverDeps = {
    gun,
    transform,
    index,
    watermarks,
    tombstones: createTombstones(producer, prefix),
    deadLetters: createDeadLetters(producer, prefix),
    indexedVersions: makeIndexedVersions(es, config.elasticsearch.index),
    maxClockSkewMs: config.sync.maxClockSkewMs,
    stats,
    policy,
    chunkSize: config.discovery.chunkSize,
    typeConcurrency: config.discovery.typeConcurrency,
    now: () => new Date(),
    scanMarks,
    entrySpill: (scanId, recordType) =>
      createEntrySpill(producer, stateKeys(prefix).scanEntries(scanId, recordType), recordType),
    fullScanIntervalMs: config.gun.fullScanIntervalMs,
    recheck: { everyMs: config.sync.recheckMs, scanIntervalMs: config.sync.intervalMs },
    reconcile: makeReconcileHook({
      deps: {
        es,
        index: config.elasticsearch.index,
        redis: producer,
        prefix,
        gun,
        deadLetters: createDeadLetters(producer, prefix),
        policySkips: createPolicySkips(producer, prefix),
        transform,
        deletes: index,
        policy,
        maxClockSkewMs: config.sync.maxClockSkewMs,
        maxRecordBytes: defaultMaxRecordBytes,
        now: () => new Date(),
        log,
      },
      peers: config.gun.peers,
      timeoutMs: config.gun.readTimeoutMs,
      stats,
      metrics: createDiscoveryMetrics(registry),
      log,
    }),
  };
  const discovery = await createDiscoveryWorker(
    deps,
    {
      connection: workerConnection,
      prefix,
      intervalMs: config.sync.intervalMs,
      enabled: config.sync.enabled,
    },
    log,
  );
  discovery.worker.run().catch(onFatal);

  let live: LiveSync | undefined;
  if (config.sync.enabled && config.discovery.live) {
    const types = typesToScan(configuredRecordTypes(config), policy.typeFilter);
    live = startLiveSync(
      {
        ...deps,
        gun,
        deletions: deps,
        log,
        flushMs: config.discovery.liveFlushMs,
        maxBuffered: config.discovery.liveMaxBuffered,
      },
      types,
    );
    log.info({ types: types.length }, 'live registry subscription started');
  }
  log.info(
    { nodeId, intervalMs: config.sync.intervalMs, fingerprint: config.fingerprint },
    'discovery started',
  );

  let closing: Promise<void> | undefined;
  return {
    nodeId,
    ready: () => discovery.worker.isRunning() && !closing,
    close() {
      closing ??= (async () => {
        stopKeepingNodeId();
        await live?.close();
        await discovery.close();
        await transform.close();
        await index.close();
        await es.close();
        if (!sharedGun) await gun.close();
        workerConnection.disconnect();
        producer.disconnect();
      })();
      return closing;
    },
  };
}
