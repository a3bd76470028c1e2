/**
 * Builds every client the API uses, once, from config; close() shuts them in reverse order.
 * Redis is a fail-fast producer connection: a request must not hang while Redis is down.
 */
import { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createReconcilerPerRun } from '@sync/discovery/reconcile';
import { configuredRecordTypes } from '@sync/discovery/record-types';
import { createGunRegistryWriter, resolveAndKeepNodeId } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { QueueName, connectRedis, createProducer } from '@sync/queues';
import { createDeadLetters, createStats, createWatermarks, stateKeys } from '@sync/state';
import type { ApiDeps } from './app.js';
import { createPeerProbe, elasticsearchCheck, gunPeersCheck, redisCheck } from './checks.js';
import type { ApiConfig } from './config.js';
import { createPipelineView } from './pipeline-view.js';
import { createStatusSeries } from './status/status-series.js';
import { createSyncControl } from './sync-control.js';

export type Deps = Omit<ApiDeps, 'log' | 'config' | 'isShuttingDown' | 'now'> & {
  close(): Promise<void>;
};

export async function createDeps(config: ApiConfig, log: Logger): Promise<Deps> {
  const { prefix } = config.redis;
  const redis = await connectRedis(config.redis.url, 'producer');
  redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
  const steps: { name: string; close: () => Promise<void> }[] = [];
  const onClose = (name: string, close: () => Promise<void>) => steps.push({ name, close });
  onClose('redis', async () => {
    redis.disconnect();
  });
  try {
    const { url, username, password, requestTimeoutMs } = config.elasticsearch;
    const es = new Client({
      node: url,
      requestTimeout: requestTimeoutMs,
      // Only readiness uses this client: a refused connection should fail the check at once.
      maxRetries: 0,
      ...(username && password ? { auth: { username, password } } : {}),
    });
    onClose('elasticsearch', () => es.close());

    const discover = createProducer(QueueName.discover, { connection: redis, prefix });
    onClose('discover producer', () => discover.close());
    const others = [QueueName.transform, QueueName.index].map(
      (name) => new Queue(name, { connection: redis, prefix }),
    );
    onClose('queues', async () => {
      await Promise.all(others.map((q) => q.close()));
    });
    const queues = [discover.queue, ...others];

    const nodeIdKey = stateKeys(prefix).nodeId;
    // A generated id lives only in Redis: written back if Redis loses it while the API runs.
    const { nodeId, stopKeeping: stopKeepingNodeId } = await resolveAndKeepNodeId({
      override: config.gun.nodeIdOverride,
      redis,
      key: nodeIdKey,
      log,
    });
    onClose('node id keeper', async () => {
      stopKeepingNodeId();
    });
    // Only this node's own relays receive writes and the write token; external peers are
    // other operators' relays (read-only to us), as in the CLI's writerFor.
    const registryWriter = createGunRegistryWriter({
      mode: config.gun.mode,
      peers: config.gun.localPeers,
      root: config.gun.root,
      writeTimeoutMs: config.gun.writeTimeoutMs,
      readTimeoutMs: config.gun.readTimeoutMs,
      peerWaitMs: config.gun.peerWaitMs,
      writeToken: config.gun.writeToken,
      log,
    });
    onClose('registry writer', () => registryWriter.close());
    // Read ahead what each type's first registration would wait for (on OIP's relay a bucket
    // list that does not exist yet costs a 3 s not-found), in the background.
    const preparing = new AbortController();
    onClose('registry writer preparation', async () => {
      preparing.abort();
    });
    const recordTypes = configuredRecordTypes(config);
    void registryWriter
      .prepare(recordTypes, { signal: preparing.signal })
      .then((counts) =>
        log.info({ ...counts, types: recordTypes.length }, 'registry writer prepared'),
      )
      .catch((err: unknown) => log.warn({ err }, 'registry writer preparation failed'));

    // Its own clients, made for each run and closed after it: a reconciliation pages the whole
    // index (not with the readiness client's zero retries) and reads every configured relay,
    // and between runs the API keeps no GUN connection to external relays (createReconcilerPerRun).
    const reconciler = createReconcilerPerRun(
      {
        redis: config.redis,
        elasticsearch: config.elasticsearch,
        gun: config.gun,
        sync: config.sync,
      },
      log,
    );

    const metricsRegistry = new Registry();
    collectDefaultMetrics({ register: metricsRegistry });

    let closing: Promise<void> | undefined;
    return {
      nodeId,
      checks: {
        redis: redisCheck(redis),
        elasticsearch: elasticsearchCheck(es),
        gun: gunPeersCheck(config.gun.peers),
      },
      peers: createPeerProbe(
        { local: config.gun.localPeers, external: config.gun.externalPeers },
        config.http.checkTimeoutMs,
      ),
      stats: createStats(redis, prefix),
      deadLetters: createDeadLetters(redis, prefix),
      pipeline: createPipelineView(queues, redis),
      control: createSyncControl({ discover, watermarks: createWatermarks(redis, prefix) }),
      registryWriter,
      reconciler,
      series: createStatusSeries(redis, prefix),
      metricsRegistry,
      dashboardQueues: queues,
      close() {
        closing ??= closeAll(steps, log);
        return closing;
      },
    };
  } catch (err) {
    await closeAll(steps, log);
    throw err;
  }
}

/** Reverse order of creation; every step runs even when one fails. */
async function closeAll(
  steps: { name: string; close: () => Promise<void> }[],
  log: Logger,
): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step.close();
    } catch (err) {
      log.warn({ err, step: step.name }, 'close step failed');
    }
  }
}
