/**
 * Starts the transform stage on given clients: used by this service's main.ts and by the
 * one-process runner. Builds the pure transform once (keyring, bounded key cache, policies).
 */
import type { Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { DerivedKeys, buildKeyring, makeDecrypt, seal } from '@sync/crypto';
import {
  createGunRegistry,
  createPeerReadMetrics,
  resolveAndKeepNodeId,
  type GunRegistry,
} from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { QueueName, closeWorker, connectRedis, createProducer } from '@sync/queues';
import { makeTransformRecord } from '@sync/records';
import {
  createDeadLetters,
  createPolicySkips,
  createStats,
  createWatermarks,
  stateKeys,
} from '@sync/state';
import type { TransformConfig } from './config.js';
import { createTransformMetrics } from './metrics.js';
import { createTransformWorker } from './worker.js';

export interface TransformRuntime {
  worker: Worker;
  nodeId: string;
  /** Ready while the worker runs and is not closing. */
  ready(): boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  /** A GUN client to share (the one-process runner); without it the stage makes and owns one. */
  gun?: GunRegistry;
  registry: Registry;
  /** Called when the worker loop dies: the process should shut down (exit 1). */
  onFatal: (err: unknown) => void;
}

export async function startTransform(
  config: TransformConfig,
  { log, gun: sharedGun, registry, onFatal }: StartOptions,
): Promise<TransformRuntime> {
  const gun =
    sharedGun ??
    createGunRegistry({
      ...config.gun,
      log: log.child({ component: 'gun' }),
      onPeerRead: createPeerReadMetrics(registry).observe,
    });
  const producer = await connectRedis(config.redis.url, 'producer');
  const workerConnection = await connectRedis(config.redis.url, 'worker');
  const { prefix } = config.redis;
  const nodeIdKey = stateKeys(prefix).nodeId;
  // A generated id lives only in Redis: written back if Redis loses it while this runs.
  const { nodeId, stopKeeping: stopKeepingNodeId } = await resolveAndKeepNodeId({
    override: config.gun.nodeIdOverride,
    redis: producer,
    key: nodeIdKey,
    log,
  });
  const index = createProducer(QueueName.index, { connection: producer, prefix });
  const keys = new DerivedKeys({ maxEntries: config.decrypt.keyCacheSize });
  const transformRecord = makeTransformRecord({
    decrypt: makeDecrypt({
      keyring: buildKeyring(config.decrypt.keyring),
      keys,
      policy: config.decrypt.policy,
    }),
    signaturePolicy: config.records.signaturePolicy,
    maxBytes: config.records.maxBytes,
    maxClockSkewMs: config.records.maxClockSkewMs,
    index: config.index,
  });
  const worker = createTransformWorker(
    {
      gun,
      transformRecord,
      seal: (document, context) => seal(document, config.sealKey, context),
      index,
      deadLetters: createDeadLetters(producer, prefix),
      policySkips: createPolicySkips(producer, prefix),
      stats: createStats(producer, prefix),
      metrics: createTransformMetrics(registry),
      selfNodeId: nodeId,
      now: () => new Date(),
      missingAttempts: config.worker.missingAttempts,
      watermarks: createWatermarks(producer, prefix),
    },
    { connection: workerConnection, prefix, concurrency: config.worker.concurrency },
    log,
  );
  worker.run().catch(onFatal);
  log.info(
    { concurrency: config.worker.concurrency, nodeId, fingerprint: config.fingerprint },
    'transform worker started',
  );

  let closing: Promise<void> | undefined;
  return {
    worker,
    nodeId,
    ready: () => worker.isRunning() && !closing,
    close() {
      closing ??= (async () => {
        stopKeepingNodeId();
        await closeWorker(worker, { log });
        await index.close();
        if (!sharedGun) await gun.close();
        workerConnection.disconnect();
        producer.disconnect();
      })();
      return closing;
    },
  };
}
