/**
 * The operator CLI against real services: node A's Elasticsearch index seeded with 1,000 OIP
 * documents whose records are on A's relay, `migrate` registers them in the GUN registry, and a
 * second gun-sync node (B, on a relay peered to A's) discovers and indexes them. Users are
 * published as public keys only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { createGunRegistry, type GunRegistry } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startRelayPair } from '../../gun-relay/test/support.js';
import { serviceUrls } from '../../../test/services.js';
import { startTestNode, waitFor, type TestNode } from '../../../test/support/node.js';
import {
  createPublisher,
  oipPut,
  putViaRelay,
  type PutRequest,
} from '../../../test/support/oip-publisher.js';
import { runCaptured } from './support.js';
import { inBatches } from '../../../test/support/batches.js';

const count = 1000;
const id = randomUUID().slice(0, 8);
const recordsIndex = `cli-records-${id}`;
const usersIndex = `cli-users-${id}`;
const base = Date.parse('2026-10-01T00:00:00.000Z');
const users = [
  {
    email: 'alice@example.org',
    publicKey: 'AQAB-alice-public-key-0123456789',
    createdAt: '2025-01-02T03:04:05.000Z',
    waitlistStatus: 'approved',
    subscriptionStatus: 'pro',
  },
  {
    email: 'bob@example.org',
    publicKey: 'AQAB-bob-public-key-0123456789ab',
    createdAt: 1735787045000,
    waitlistStatus: 'pending',
  },
  {
    email: 'carol@example.org',
    publicKey: 'AQAB-carol-public-key-012345678',
    subscriptionStatus: 'free',
  },
  { email: 'nokey@example.org', createdAt: '2025-01-02T03:04:05.000Z' },
];

describe('gun-sync migrate (1,000 OIP documents)', () => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  let es: Client;
  let reader: GunRegistry;
  let b: TestNode | undefined;
  let env: Record<string, string>;
  const publisher = createPublisher();
  const puts: PutRequest[] = [];

  const cli = (...argv: string[]) => runCaptured(env, argv);

  const postIndexKeys = async () => {
    const res = await fetch(
      `${pair.a.url}/get?soul=${encodeURIComponent('oip:registry:index:post')}`,
    );
    if (res.status === 404) return [];
    return Object.keys(((await res.json()) as { data: Record<string, unknown> }).data).sort();
  };

  beforeAll(async () => {
    const urls = serviceUrls();
    pair = await startRelayPair({ store: 'memory' });
    es = new Client({ node: urls.elasticsearchUrl });
    reader = createGunRegistry({
      mode: 'http',
      peers: [pair.a.url],
      readTimeoutMs: 5000,
      concurrency: 8,
      log: createSilentLogger(),
    });
    env = {
      ELASTICSEARCH_URL: urls.elasticsearchUrl,
      ELASTICSEARCH_INDEX: recordsIndex,
      CLI_USERS_INDEX: usersIndex,
      REDIS_URL: urls.redisUrl,
      QUEUE_PREFIX: `cli-${id}`,
      GUN_CLIENT_MODE: 'http',
      GUN_PEERS: pair.a.url,
      GUN_NODE_ID_OVERRIDE: 'node-a',
    };
    const started = Date.now();
    const bulk: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const data = {
        basic: { name: `Migrated ${i}`, tagItems: ['cli', `t${i}`], date: 1_700_000_000 + i },
        post: { articleText: `text ${i}` },
      };
      const put = oipPut(publisher, {
        localId: `cli-${i}`,
        recordType: 'post',
        indexedAt: new Date(base + i * 1000),
        data,
      });
      puts.push(put);
      const oip = JSON.parse(put.data.oip as string) as Record<string, unknown>;
      bulk.push({ index: { _index: recordsIndex, _id: oip.did } }, { data, oip });
    }
    // Documents that are not GUN records, or not valid ones: never registered.
    bulk.push(
      { index: { _index: recordsIndex, _id: 'did:arweave:abc' } },
      { data: {}, oip: { did: 'did:arweave:abc', recordType: 'post' } },
    );
    bulk.push(
      { index: { _index: recordsIndex, _id: `did:gun:${publisher.publisherHash}:no-type` } },
      {
        data: {},
        oip: {
          did: `did:gun:${publisher.publisherHash}:no-type`,
          creator: { publicKey: publisher.publicKey },
        },
      },
    );
    const foreign = 'did:gun:000000000000:foreign';
    bulk.push(
      { index: { _index: recordsIndex, _id: foreign } },
      {
        data: {},
        oip: { did: foreign, recordType: 'post', creator: { publicKey: publisher.publicKey } },
      },
    );
    const res = await es.bulk({ operations: bulk, refresh: true });
    expect(res.errors).toBe(false);
    await es.bulk({
      operations: users.flatMap((u) => [{ index: { _index: usersIndex } }, u]),
      refresh: true,
    });
    await inBatches(puts, 16, (put) => putViaRelay(pair.a.url, put));
    process.stdout.write(
      `[cli] seeded ${count} documents and GUN records in ${Date.now() - started} ms\n`,
    );
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await reader?.close();
    await es?.indices.delete({ index: [recordsIndex, usersIndex], ignore_unavailable: true });
    await es?.close();
    await pair?.close();
  });

  it('--dry-run reports 1,000 to register and writes nothing', async () => {
    const run = await cli(
      'migrate',
      '--dry-run',
      '--records-only',
      '--json',
      '--batch-size',
      '300',
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      records: {
        scanned: number;
        registered: number;
        alreadyRegistered: number;
        invalid: Record<string, number>;
      };
      users: unknown;
    };
    expect(out.records).toMatchObject({
      scanned: count + 2,
      registered: count,
      alreadyRegistered: 0,
      invalid: { 'no-record-type': 1, 'soul-key-mismatch': 1 },
    });
    expect(out.users).toBeNull();
    expect(await postIndexKeys()).toEqual([]);
    expect((await reader.readRecord(`oip:registry:nodes:node-a:${puts[0]!.soul}`)).status).toBe(
      'not-found',
    );
  });

  it('registers them, and a second node discovers and indexes all of them', async () => {
    const started = Date.now();
    const run = await cli('migrate', '--records-only');
    process.stdout.write(`[cli] migrate took ${Date.now() - started} ms\n${run.stdout}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/records registered\s+1000/);
    expect(await postIndexKeys()).toHaveLength(count);
    const index = await reader.readTypeIndex('post');
    expect(index.status === 'found' && index.value.every((e) => e.nodeId === 'node-a')).toBe(true);

    const node = await startTestNode(serviceUrls(), {
      GUN_PEERS: pair.b.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_RECORD_TYPES: 'post',
    });
    b = node;
    await node.discover();
    await waitFor(
      '1,000 documents on node B',
      async () => (await node.count()) >= count,
      90_000,
      250,
    );
    expect(await node.count()).toBe(count);
    expect(await node.get(`did:gun:${puts[7]!.soul}`)).toMatchObject({
      data: { basic: { name: 'Migrated 7', tagItems: ['cli', 't7'] } },
      oip: { recordType: 'post' },
    });
  }, 150_000);

  it('a second migrate registers 0', async () => {
    const run = await cli('migrate', '--records-only', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      records: { registered: 0, alreadyRegistered: count, failed: 0 },
    });
  }, 60_000);

  it('--users-only publishes public keys and creation times only, and touches no record entry', async () => {
    const before = await postIndexKeys();
    const run = await cli('migrate', '--users-only', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      records: null,
      users: { scanned: 4, published: 3, invalid: 1, failed: 0 },
    });
    expect(await postIndexKeys()).toEqual(before);
    const directory = (await (
      await fetch(`${pair.a.url}/get?soul=${encodeURIComponent('oip:registry:users')}`)
    ).json()) as { data: Record<string, { '#': string }> };
    const entries = await Promise.all(
      Object.values(directory.data).map(
        async (link) =>
          (
            (await (
              await fetch(`${pair.a.url}/get?soul=${encodeURIComponent(link['#'])}`)
            ).json()) as { data: Record<string, unknown> }
          ).data,
      ),
    );
    expect(entries.map((e) => e.publicKey).sort()).toEqual(
      users.flatMap((u) => (u.publicKey ? [u.publicKey] : [])).sort(),
    );
    for (const entry of entries)
      expect(Object.keys(entry).sort()).toEqual(
        entry.createdAt === undefined
          ? ['nodeId', 'publicKey']
          : ['createdAt', 'nodeId', 'publicKey'],
      );
    expect(entries.find((e) => e.publicKey === users[0]!.publicKey)?.createdAt).toBe(
      Date.parse(users[0]!.createdAt as string),
    );
    const published = JSON.stringify([directory, entries, run.stdout]);
    for (const user of users) expect(published).not.toContain(user.email);
    expect(published).not.toMatch(/waitlist|subscription/);
  });

  it('registry stats and diff see the migrated records', async () => {
    const stats = await cli('registry', 'stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      total: count,
      byType: { post: count },
      byNodeId: { 'node-a': count },
    });
    const diff = await cli('registry', 'diff', '--type', 'post', '--json');
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({
      registry: count,
      missingInElasticsearch: { count: 0 },
      missingInRegistry: { count: 1 },
    });
  }, 60_000);
});
