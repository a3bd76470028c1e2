/**
 * The live side of the convergence test: two independent GUN relays (not peered, so a record
 * or a registration on one relay exists only there and the node must read both), registry
 * writers for every relay set and layout, the one-process gun-sync node reading both relays,
 * and the probes the test waits on: the pipeline's queues all idle, the index as it is now.
 * Everything is real: relays, Redis, Elasticsearch, the node. Nothing here sleeps a fixed time.
 */
import { rmSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createLogger, createSilentLogger } from '@sync/logging';
import { QueueName } from '@sync/queues';
import { createDeadLetters, type DeadLetters } from '@sync/state';
import { loadStandaloneConfig } from '@sync/standalone/config';
import { startStandalone } from '@sync/standalone/start';
import { startTestRelay, type TestRelay } from '../../services/gun-relay/test/support.js';
import type { ServiceUrls } from '../services.js';
import { adminToken, startTestNode, waitFor, type TestNode } from '../support/node.js';
import { createPublisher, oipPut, putViaRelay, type Publisher } from '../support/oip-publisher.js';
import type { Layout, RecordVersion, RelayName, SoulState, Target } from './model.js';
import { relaysOf } from './model.js';

/** The node id the publisher registers under (trusted by the node under test). */
export const publisherNodeId = 'node-a';
const deletionIndexSoul = 'oip:deleted:records:index';
/** `data`'s depth limit in the records template, and the one that refuses the deep record. */
const normalDepthLimit = 64;
const refusingDepthLimit = 2;

export interface IndexedDocument {
  version: number;
  data: unknown;
  indexedAt: unknown;
}

export interface LiveSystem {
  publisher: Publisher;
  node: TestNode;
  deadLetters: DeadLetters;
  /** Puts `version` of the record on the relays of `target`. */
  put(state: SoulState, version: RecordVersion, target: Target): Promise<void>;
  register(state: SoulState, target: Target, layout: Layout): Promise<void>;
  markDeleted(state: SoulState, at: number): Promise<void>;
  /** Sets the DID's field of the deletion index to null on both relays (spec §5). */
  unmarkDeleted(state: SoulState): Promise<void>;
  /** Elasticsearch refuses documents whose `data` is deeper than 2 levels (or accepts them again). */
  refuseDeepData(refuse: boolean): Promise<void>;
  /** The API's dead-letter retry for one soul; the HTTP status. */
  retryDeadLetter(soul: string): Promise<number>;
  /**
   * Closes the node (its workers drain) and starts it again on the same queues and index, with
   * `env` added to its settings.
   */
  restartNode(env?: Record<string, string>): Promise<void>;
  /** Waits until no queue of the pipeline has work waiting, active or delayed. */
  waitQuiet(what: string, timeoutMs?: number): Promise<void>;
  /** Every document in the index (refreshed first), by id. */
  indexed(): Promise<Map<string, IndexedDocument>>;
  /** Errors the node reported as fatal (none is expected). */
  fatals: unknown[];
  close(): Promise<void>;
}

export async function startLiveSystem(urls: ServiceUrls): Promise<LiveSystem> {
  const log = createSilentLogger();
  const relays: Record<RelayName, TestRelay> = {
    a: await startTestRelay({ store: 'memory' }),
    b: await startTestRelay({ store: 'memory' }),
  };
  const publisher = createPublisher();
  const writers = new Map<string, RegistryWriter>();
  const writer = (target: Target, layout: Layout): RegistryWriter => {
    const key = `${target}/${layout}`;
    let w = writers.get(key);
    if (!w) {
      w = createGunRegistryWriter({
        mode: 'http',
        peers: relaysOf(target).map((r) => relays[r].url),
        layout,
        writeTimeoutMs: 10_000,
        readTimeoutMs: 5_000,
        log,
      });
      writers.set(key, w);
    }
    return w;
  };

  // GUN and the relay drop null fields, and a node whose fields are all null reads as missing,
  // which discovery rightly never takes as "nothing is deleted any more". A deletion of a record
  // that never existed keeps the deletion index non-empty, as it is on any real network, so an
  // un-delete of the only other listed DID is still seen.
  await writer('both', 'both').markDeleted(
    `did:gun:${publisher.publisherHash}:never-published`,
    publisher.publicKey,
    { now: new Date(Date.now() - 3_600_000) },
  );

  const fatals: unknown[] = [];
  const node = await startTestNode(urls, {
    GUN_PEERS: `${relays.a.url},${relays.b.url}`,
    GUN_NODE_ID_OVERRIDE: 'node-b',
    GUN_SYNC_TRUSTED_NODES: publisherNodeId,
    GUN_SYNC_RECORD_TYPES: 'post',
  });
  // Elasticsearch refuses an older version for index.gc_deletes (60 s) after a delete, and an
  // un-deleted record comes back only once it has forgotten (the indexer retries with backoff):
  // 10 s keeps such a run short and still leaves the window open for a command to fall into.
  await node.es.indices.putSettings({ index: node.index, settings: { 'index.gc_deletes': '10s' } });
  const queues = Object.values(QueueName).map(
    (name) => new Queue(name, { connection: node.redis, prefix: node.prefix }),
  );
  const deadLetters = createDeadLetters(node.redis, node.prefix);

  async function busyJobs(): Promise<number> {
    let busy = 0;
    for (const queue of queues) {
      // The discovery scheduler always holds its next run as a delayed job.
      const states =
        queue.name === QueueName.discover
          ? (['waiting', 'active', 'prioritized', 'waiting-children'] as const)
          : (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const);
      const counts = await queue.getJobCounts(...states);
      busy += Object.values(counts).reduce((sum, n) => sum + n, 0);
    }
    return busy;
  }

  return {
    publisher,
    node,
    deadLetters,
    fatals,
    async put(state, version, target) {
      const put = oipPut(publisher, {
        localId: state.localId,
        recordType: 'post',
        indexedAt: new Date(version.at),
        private: state.private,
        data: version.data,
      });
      for (const r of relaysOf(target)) await putViaRelay(relays[r].url, put);
    },
    async register(state, target, layout) {
      await writer(target, layout).register({
        recordType: 'post',
        soul: state.soul,
        creatorPubKey: publisher.publicKey,
        nodeId: publisherNodeId,
      });
    },
    async markDeleted(state, at) {
      await writer('both', 'both').markDeleted(`did:gun:${state.soul}`, publisher.publicKey, {
        now: new Date(at),
      });
    },
    async unmarkDeleted(state) {
      for (const r of relaysOf('both'))
        await putViaRelay(relays[r].url, {
          soul: deletionIndexSoul,
          data: { [`did:gun:${state.soul}`]: null },
        });
    },
    async refuseDeepData(refuse) {
      await node.es.indices.putMapping({
        index: node.index,
        properties: {
          data: {
            type: 'flattened',
            depth_limit: refuse ? refusingDepthLimit : normalDepthLimit,
            ignore_above: 2048,
          },
        },
      });
    },
    async retryDeadLetter(soul) {
      const res = await fetch(`${node.node.apiUrl}/api/dead-letters/retry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ soul }),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async restartNode(env = {}) {
      await node.node.close();
      node.env = { ...node.env, ...env };
      node.node = await startStandalone(loadStandaloneConfig(node.env), {
        log: process.env.E2E_LOG
          ? createLogger({ service: 'model-node', level: 'debug' })
          : createSilentLogger(),
        registry: new Registry(),
        refresh: 'wait_for',
        onFatal: (err) => fatals.push(err),
        isShuttingDown: () => false,
      });
    },
    async waitQuiet(what, timeoutMs = 180_000) {
      // Three idle samples in a row: a job handed from one stage to the next is never missed.
      let idle = 0;
      await waitFor(
        what,
        async () => {
          idle = (await busyJobs()) === 0 ? idle + 1 : 0;
          return idle >= 3;
        },
        timeoutMs,
        150,
      );
    },
    async indexed() {
      await node.es.indices.refresh({ index: node.index });
      const res = await node.es.search<{ data?: unknown; oip?: { indexedAt?: unknown } }>({
        index: node.index,
        size: 1_000,
        version: true,
        query: { match_all: {} },
      });
      return new Map(
        res.hits.hits.map((hit) => [
          hit._id ?? '',
          {
            version: hit._version ?? -1,
            data: hit._source?.data,
            indexedAt: hit._source?.oip?.indexedAt,
          },
        ]),
      );
    },
    async close() {
      await node.node.close(); // the current node; node.close() closes the first one it started
      await node.close();
      await Promise.all(queues.map((q) => q.close()));
      for (const w of writers.values()) await w.close();
      for (const relay of [relays.b, relays.a]) {
        await relay.close();
        rmSync(relay.dataDir, { recursive: true, force: true });
      }
    },
  };
}
