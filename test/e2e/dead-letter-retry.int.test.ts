/**
 * Retrying a dead letter of the index stage, end to end: a record Elasticsearch refuses is
 * parked (`es-rejected`); a retry through the API while Elasticsearch still refuses it runs the
 * index job again and keeps the entry (one more attempt); once the operator has fixed the
 * mapping, a retry indexes the record and only then is the entry gone. Everything is real: a
 * relay, Redis, Elasticsearch and the one-process node with its API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { createDeadLetters, type DeadLetters } from '@sync/state';
import { startTestRelay, type TestRelay } from '../../services/gun-relay/test/support.js';
import { serviceUrls } from '../services.js';
import { createPublisher, oipPut, putViaRelay } from '../support/oip-publisher.js';
import { adminToken, startTestNode, waitFor, type TestNode } from '../support/node.js';

const log = createSilentLogger();

describe('retrying an index-stage dead letter', () => {
  let relay: TestRelay;
  let writer: RegistryWriter;
  let node: TestNode;
  let dlq: DeadLetters;
  const publisher = createPublisher();
  const put = oipPut(publisher, {
    localId: 'retry-1',
    recordType: 'post',
    indexedAt: new Date('2026-11-02T10:00:00.000Z'),
    data: { basic: { name: 'Retried', tagItems: ['x'] }, post: { articleText: 'hello' } },
  });
  const did = `did:gun:${put.soul}`;

  /** `data` is a flattened field: a depth limit of 1 makes Elasticsearch refuse the record. */
  const setDataDepthLimit = (depth: number) =>
    node.es.indices.putMapping({
      index: node.index,
      properties: { data: { type: 'flattened', depth_limit: depth, ignore_above: 2048 } },
    });

  const retry = async (): Promise<number> => {
    const res = await fetch(`${node.node.apiUrl}/api/dead-letters/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ soul: put.soul }),
    });
    return res.status;
  };

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    writer = createGunRegistryWriter({
      mode: 'http',
      peers: [relay.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    node = await startTestNode(serviceUrls(), {
      GUN_PEERS: relay.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_TRUSTED_NODES: 'node-a',
      GUN_SYNC_RECORD_TYPES: 'post',
    });
    dlq = createDeadLetters(node.redis, node.prefix);
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await relay?.close();
  });

  it('runs the index job again on every retry and keeps the entry until the record is indexed', async () => {
    await setDataDepthLimit(1);
    await putViaRelay(relay.url, put);
    await writer.register({
      recordType: 'post',
      soul: put.soul,
      creatorPubKey: publisher.publicKey,
      nodeId: 'node-a',
    });
    await node.discover();
    const parked = await waitFor('the refused record in the dead-letter set', () =>
      dlq.get(put.soul),
    );
    expect(parked).toMatchObject({ stage: 'index', reason: 'es-rejected', attempts: 1 });

    // Elasticsearch still refuses it: the retry must reach Elasticsearch again and be counted.
    expect(await retry()).toBe(202);
    const again = await waitFor('a second attempt on the dead letter', async () => {
      const entry = await dlq.get(put.soul);
      return entry === undefined || entry.attempts >= 2 ? { entry } : undefined;
    });
    expect(again.entry).toMatchObject({ stage: 'index', reason: 'es-rejected', attempts: 2 });

    // The operator fixes the mapping; the next retry indexes the record.
    await setDataDepthLimit(64);
    expect(await retry()).toBe(202);
    await waitFor('the retried record in Elasticsearch', async () =>
      (await node.get(did)) ? true : undefined,
    );
    await waitFor('the dead letter to be resolved', async () =>
      (await dlq.get(put.soul)) === undefined ? true : undefined,
    );
    expect(await node.get(did)).toMatchObject({ data: { basic: { name: 'Retried' } } });
  });
});
