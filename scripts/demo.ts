/**
 * The demo behind `bash scripts/demo.sh`: two gun-sync nodes on this machine, sharing the local
 * Redis and Elasticsearch (each with its own queue prefix and index), each reading its own GUN
 * relay, the two relays peered over GUN's wire protocol. Node A's publisher writes sample OIP
 * records exactly as an OIP node does (record through the relay's /put, entry in the registry);
 * the demo prints each one as it becomes searchable on node B, with its latency.
 *
 *   node --import tsx scripts/demo.ts            # then leaves B running until Ctrl-C
 *   node --import tsx scripts/demo.ts --check    # exits 0 only when B holds exactly what it should
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { Client } from '@elastic/elasticsearch';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createLogger, type Logger } from '@sync/logging';
import { connectRedis } from '@sync/queues';
import { obliterateAll } from '@sync/queues/testing';
import { loadStandaloneConfig } from '@sync/standalone/config';
import { startStandalone, type Standalone } from '@sync/standalone/start';
import { startRelay, type Relay } from '../services/gun-relay/src/relay.js';
import {
  createPerUserKey,
  createPublisher,
  oipPut,
  putViaRelay,
  type OipRecordInput,
  type Publisher,
} from '../test/support/oip-publisher.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '120' },
  },
});
const timeoutMs = Number(args.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error(
    `--timeout: must be a number of seconds; got "${args.timeout}" (example: --timeout 120)`,
  );
  process.exit(2);
}

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function servicesEnv(): Record<string, string> {
  const file = join(root, '.local', 'services.env');
  const values: Record<string, string> = {};
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
    }
  const redisUrl = process.env.REDIS_URL ?? values.REDIS_URL;
  const elasticsearchUrl = process.env.ELASTICSEARCH_URL ?? values.ELASTICSEARCH_URL;
  if (!redisUrl || !elasticsearchUrl) {
    console.error(
      'demo: no Redis or Elasticsearch: run `bash infra/local/services.sh up` (or `bash scripts/demo.sh`), or set REDIS_URL and ELASTICSEARCH_URL',
    );
    process.exit(2);
  }
  return { REDIS_URL: redisUrl, ELASTICSEARCH_URL: elasticsearchUrl };
}

interface DemoNode {
  name: string;
  node: Standalone;
  prefix: string;
  index: string;
}

async function startNode(
  name: string,
  relay: Relay,
  services: Record<string, string>,
  adminToken: string,
  logDir: string,
  extra: Record<string, string>,
): Promise<DemoNode> {
  const id = randomUUID().slice(0, 8);
  const prefix = `demo-${name}-${id}`;
  const index = `demo-${name}-records-${id}`;
  const env = {
    ...services,
    QUEUE_PREFIX: prefix,
    ELASTICSEARCH_INDEX: index,
    GUN_PEERS: relay.url,
    GUN_NODE_ID_OVERRIDE: `demo-node-${name}`,
    SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    API_ADMIN_TOKEN: adminToken,
    PROBE_PORT: '0',
    LOG_LEVEL: 'info',
    ...extra,
  };
  const config = loadStandaloneConfig(env);
  const log: Logger = createLogger({
    service: `gun-sync-${name}`,
    level: 'info',
    destination: createWriteStream(join(logDir, `node-${name}.log`), { flags: 'a' }),
  });
  const node = await startStandalone(config, {
    log,
    registry: new Registry(),
    onFatal: (err) => {
      console.error(
        `demo: node ${name} stopped: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exitCode = 1;
    },
  });
  return { name, node, prefix, index };
}

/** What B should hold at the end: DID → the name in `data.basic.name`. */
type Expected = Map<string, string>;

async function main(): Promise<number> {
  const services = servicesEnv();
  const logDir = join(root, '.local', 'demo');
  mkdirSync(logDir, { recursive: true });
  const adminToken = randomBytes(24).toString('base64url');
  writeFileSync(join(logDir, 'admin.token'), adminToken, { mode: 0o600 });
  const quiet = createLogger({
    service: 'demo-relay',
    level: 'warn',
    destination: createWriteStream(join(logDir, 'relays.log'), { flags: 'a' }),
  });

  out('gun-sync demo: two nodes on this machine');
  const relayA = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(logDir, 'relay-a'),
    store: 'memory',
    peers: [],
    log: quiet,
  });
  const relayB = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(logDir, 'relay-b'),
    store: 'memory',
    peers: [`${relayA.url}/gun`],
    log: quiet,
  });
  out(`  relay A ${relayA.url}   relay B ${relayB.url} (peered to A over GUN's wire protocol)`);

  const user = createPerUserKey();
  const a = await startNode('a', relayA, services, adminToken, logDir, {});
  const b = await startNode('b', relayB, services, adminToken, logDir, {
    // B holds the salt of one user, so it can read that user's per-user records (mode D).
    GUN_USER_SALTS: `${user.publicKey}:${user.saltHex}`,
  });
  out(
    `  node A ${a.node.apiUrl} (id ${a.node.nodeId})   node B ${b.node.apiUrl} (id ${b.node.nodeId})`,
  );
  out(
    `  services: Redis ${services.REDIS_URL}, Elasticsearch ${services.ELASTICSEARCH_URL}; logs in .local/demo/`,
  );
  out();

  const es = new Client({ node: services.ELASTICSEARCH_URL });
  const writer: RegistryWriter = createGunRegistryWriter({
    mode: 'http',
    peers: [relayA.url],
    writeTimeoutMs: 10_000,
    readTimeoutMs: 5_000,
    log: quiet,
  });
  const publisher: Publisher = createPublisher();
  const expected: Expected = new Map();
  let failures = 0;
  const started = Date.now();
  const deadline = started + timeoutMs;

  /** B's view as a search sees it (no forced refresh): the document's name, or undefined. */
  async function searchOnB(did: string): Promise<string | undefined> {
    const res = await es.search<{ data?: { basic?: { name?: string } } }>(
      { index: b.index, query: { ids: { values: [did] } }, _source: ['data.basic.name'] },
      { ignore: [404] },
    );
    const hit = res.hits?.hits?.[0];
    return hit ? (hit._source?.data?.basic?.name ?? '') : undefined;
  }

  async function waitOnB(
    did: string,
    done: (name: string | undefined) => boolean,
  ): Promise<number | undefined> {
    const from = Date.now();
    while (Date.now() < deadline) {
      if (done(await searchOnB(did))) return Date.now() - from;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  async function publish(input: OipRecordInput): Promise<string> {
    const put = oipPut(publisher, input);
    await putViaRelay(relayA.url, put);
    await writer.register({
      recordType: input.recordType,
      soul: put.soul,
      creatorPubKey: publisher.publicKey,
      nodeId: a.node.nodeId,
    });
    return `did:gun:${put.soul}`;
  }

  function report(what: string, did: string, ms: number | undefined): void {
    if (ms === undefined) {
      failures += 1;
      out(`  ✗ ${what.padEnd(44)} ${did}  not seen on B within ${seconds(timeoutMs)}`);
    } else out(`  ✓ ${what.padEnd(44)} ${did}  on B after ${seconds(ms)}`);
  }

  const indexedAt = (offsetMs: number) => new Date(started - 60_000 + offsetMs);
  const samples: { what: string; input: OipRecordInput }[] = [
    {
      what: 'public post, arrays inside',
      input: {
        localId: 'demo-public-post',
        recordType: 'post',
        indexedAt: indexedAt(0),
        data: {
          basic: { name: 'Hello from node A', tagItems: ['gun', 'oip', 'sync'] },
          post: { articleText: 'A public post.', citations: [{ x: [1, 2] }] },
        },
      },
    },
    {
      what: 'public recipe',
      input: {
        localId: 'demo-recipe',
        recordType: 'recipe',
        indexedAt: indexedAt(1),
        data: {
          basic: { name: 'Bread', tagItems: ['food'] },
          recipe: { ingredient: ['flour', 'water', 'salt'], instructions: 'Mix, wait, bake.' },
        },
      },
    },
    {
      what: 'private, legacy shared key',
      input: {
        localId: 'demo-private-shared',
        recordType: 'post',
        indexedAt: indexedAt(2),
        private: true,
        data: {
          basic: { name: 'Private (shared key)', tagItems: ['private'] },
          post: { articleText: 'Only OIP nodes read this.' },
        },
      },
    },
    {
      what: 'private, per-user key (B holds the salt)',
      input: {
        localId: 'demo-private-user',
        recordType: 'post',
        indexedAt: indexedAt(3),
        perUser: user,
        data: {
          basic: { name: 'Private (per user)', tagItems: ['private'] },
          post: { articleText: 'Only this user and B read this.' },
        },
      },
    },
  ];

  samples.push({
    what: 'public post, to be deleted',
    input: {
      localId: 'demo-deleted',
      recordType: 'post',
      indexedAt: indexedAt(5),
      data: {
        basic: { name: 'Soon deleted', tagItems: ['tmp'] },
        post: { articleText: 'Here for a moment.' },
      },
    },
  });
  out('Publishing on node A; each line appears when the record is searchable on node B:');
  const published = await Promise.all(
    samples.map(async ({ what, input }) => {
      const did = await publish(input);
      const name = String((input.data.basic as { name: string }).name);
      expected.set(did, name);
      return { what, did, name };
    }),
  );
  await Promise.all(
    published.map(async ({ what, did, name }) =>
      report(what, did, await waitOnB(did, (seen) => seen === name)),
    ),
  );

  // An update: the same soul published again with a newer version and registered again. B's
  // live poll reads the registration's note in A's recent-changes node, as for a new record.
  const updated = samples[0]?.input as OipRecordInput;
  const editedName = 'Hello from node A (edited)';
  const updateDid = await publish({
    ...updated,
    indexedAt: indexedAt(10_000),
    data: { ...updated.data, basic: { name: editedName, tagItems: ['gun', 'oip', 'edited'] } },
  });
  expected.set(updateDid, editedName);
  report(
    'update of the public post (live)',
    updateDid,
    await waitOnB(updateDid, (name) => name === editedName),
  );

  // A deletion: marked deleted in the deletion registry (spec §5) by node A, which notes the
  // mark in its recent-changes node; B's live poll applies it. (A mark written only the way OIP
  // writes it is found through the relay's bookkeeping of the deletion index, or the next scan.)
  const doomed = published.at(-1)?.did as string;
  expected.delete(doomed);
  await writer.markDeleted(doomed, publisher.publicKey, { nodeId: a.node.nodeId });
  report('deletion of it (live)', doomed, await waitOnB(doomed, (name) => name === undefined));

  // The check: B holds exactly the expected documents, with the expected content.
  await es.indices.refresh({ index: b.index });
  const all = await es.search<{ data?: { basic?: { name?: string } } }>({
    index: b.index,
    size: 100,
    query: { match_all: {} },
    _source: ['data.basic.name'],
  });
  const held = new Map(
    all.hits.hits.map((hit) => [hit._id ?? '', hit._source?.data?.basic?.name ?? '']),
  );
  const missing = [...expected].filter(([did, name]) => held.get(did) !== name).map(([did]) => did);
  const extra = [...held.keys()].filter((did) => !expected.has(did));
  out();
  if (missing.length === 0 && extra.length === 0 && failures === 0)
    out(
      `check: node B holds exactly the ${expected.size} expected documents (${seconds(Date.now() - started)} in all)`,
    );
  else {
    failures += 1;
    out(
      `check FAILED: node B holds ${held.size} documents; missing or stale: ${missing.join(', ') || 'none'}; unexpected: ${extra.join(', ') || 'none'}`,
    );
  }

  const cleanup = async (): Promise<void> => {
    await writer.close();
    await a.node.close();
    await b.node.close();
    const redis = await connectRedis(services.REDIS_URL as string, 'producer');
    for (const node of [a, b]) {
      await obliterateAll(redis, node.prefix);
      await es.indices.delete({ index: node.index, ignore_unavailable: true });
    }
    redis.disconnect();
    await es.close();
    await relayB.close();
    await relayA.close();
  };

  if (args.check) {
    await cleanup();
    return failures === 0 ? 0 : 1;
  }
  out();
  out('Node B keeps running; look at it:');
  out(`  health JSON   ${b.node.apiUrl}/api/health/gun-sync`);
  out(`  Swagger UI    ${b.node.apiUrl}/docs`);
  out(`  Bull Board    ${b.node.apiUrl}/admin/queues   (bearer token in .local/demo/admin.token)`);
  out(`  metrics       ${b.node.apiUrl}/metrics`);
  out('Ctrl-C stops both nodes and removes their queues and indexes.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  out('stopping…');
  await cleanup();
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(
      `demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(1);
  },
);
