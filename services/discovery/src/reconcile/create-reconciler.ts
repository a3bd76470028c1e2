/**
 * Builds what a whole reconciliation needs from a node's settings (the CLI and the API): an
 * Elasticsearch client, a Redis producer connection, the transform and index producers, a
 * registry reader over every configured relay and this node's sync policy. `close()` is
 * idempotent and closes them in reverse order.
 */
import { createEsClient } from '@sync/es-client';
import { createGunRegistry, resolveNodeId, type GunClientMode } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { QueueName, connectRedis, createProducer } from '@sync/queues';
import { createDeadLetters, createPolicySkips, stateKeys } from '@sync/state';
import type { TypeFilter } from '../policy.js';
import { ReconcileError, describeError } from './errors.js';
import { reconcileRegistry } from './reconcile-registry.js';
import { makeRelayCheck } from './relay-check.js';
import { defaultMaxRecordBytes, type ReconcileOptions, type ReconcileReport } from './session.js';

export interface ReconcilerSettings {
  redis: { url: string; prefix: string };
  elasticsearch: {
    url: string;
    username?: string | undefined;
    password?: string | undefined;
    index: string;
    requestTimeoutMs?: number;
  };
  gun: {
    mode: GunClientMode;
    peers: readonly string[];
    root: string;
    readTimeoutMs: number;
    peerWaitMs: number;
    concurrency: number;
    pollIntervalMs: number;
    nodeIdOverride?: string | undefined;
  };
  sync: {
    trustedNodes: readonly string[];
    typeFilter: TypeFilter;
    maxClockSkewMs: number;
    recordTypes: readonly string[];
  };
  /** GUN_MAX_RECORD_BYTES (default 5 MiB). */
  maxRecordBytes?: number;
}

export interface Reconciler {
  run(options?: ReconcileOptions): Promise<ReconcileReport>;
  close(): Promise<void>;
}

/** @throws ReconcileError when Redis does not answer. */
export async function createReconciler(
  settings: ReconcilerSettings,
  log: Logger,
): Promise<Reconciler> {
  let redis;
  try {
    redis = await connectRedis(settings.redis.url, 'producer', 5_000);
  } catch (err) {
    throw new ReconcileError(
      `Redis at ${new URL(settings.redis.url).host} did not answer (${describeError(err)})`,
      err,
    );
  }
  const { prefix } = settings.redis;
  const es = createEsClient({ ...settings.elasticsearch, maxRetries: 1 });
  const transform = createProducer(QueueName.transform, { connection: redis, prefix });
  const deletes = createProducer(QueueName.index, { connection: redis, prefix });
  const gun = createGunRegistry({
    mode: settings.gun.mode,
    peers: settings.gun.peers,
    root: settings.gun.root,
    readTimeoutMs: settings.gun.readTimeoutMs,
    peerWaitMs: settings.gun.peerWaitMs,
    concurrency: settings.gun.concurrency,
    pollIntervalMs: settings.gun.pollIntervalMs,
    recordTypes: settings.sync.recordTypes,
    log,
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await gun.close();
      await deletes.close();
      await transform.close();
      await es.close();
      redis.disconnect();
    })();
    return closing;
  };
  try {
    const selfNodeId = await resolveNodeId({
      override: settings.gun.nodeIdOverride,
      redis,
      key: stateKeys(prefix).nodeId,
    });
    const deps = {
      es,
      index: settings.elasticsearch.index,
      redis,
      prefix,
      gun,
      deadLetters: createDeadLetters(redis, prefix),
      policySkips: createPolicySkips(redis, prefix),
      transform,
      deletes,
      policy: {
        selfNodeId,
        trustedNodes: settings.sync.trustedNodes,
        typeFilter: settings.sync.typeFilter,
      },
      maxClockSkewMs: settings.sync.maxClockSkewMs,
      maxRecordBytes: settings.maxRecordBytes ?? defaultMaxRecordBytes,
      now: () => new Date(),
      log,
      checkRelays: makeRelayCheck(settings.gun.peers, settings.gun.readTimeoutMs),
    };
    return { run: (options) => reconcileRegistry(deps, options), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A reconciler whose clients (Redis, Elasticsearch, GUN) exist only while a run does: the API
 * holds no GUN connection to external relays between runs. Over GUN's wire protocol a client
 * peered with both this node's relays and external ones passes on what it hears (GUN's gossip),
 * so an API that stayed connected would carry its own registrations to the external relays.
 */
export function createReconcilerPerRun(settings: ReconcilerSettings, log: Logger): Reconciler {
  return {
    async run(options) {
      const reconciler = await createReconciler(settings, log);
      try {
        return await reconciler.run(options);
      } finally {
        await reconciler.close();
      }
    },
    close: async () => {},
  };
}
