/**
 * Global setup of the vitest "integration" project: finds Redis, Elasticsearch and a GUN relay,
 * checks that each answers, and provides their URLs to tests (`serviceUrls()` in ./services.ts).
 *
 * Each URL comes from, in order: the environment (REDIS_URL, ELASTICSEARCH_URL, GUN_PEERS,
 * optionally GUN_RELAY_URL); .local/services.env, written by `bash infra/local/services.sh up`;
 * containers started here with Testcontainers when a Docker engine answers. A missing relay is
 * started in this process (it is our own code, there is no image). Without any of these the
 * setup fails and says how to start the services: tests never skip.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { GenericContainer, Wait } from 'testcontainers';
import type { TestProject } from 'vitest/node';
import { createLogger } from '@sync/logging';
import { startTestRelay } from '../services/gun-relay/test/support.js';
import type { ServiceUrls } from './services.js';
import { ephemeralRedisArgs } from './support/redis-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const servicesEnvFile = join(root, '.local', 'services.env');
const checkTimeoutMs = 5_000;

const howToStart =
  'Start the local services with `bash infra/local/services.sh up` (Redis, Elasticsearch and a GUN relay on 127.0.0.1, ' +
  'URLs written to .local/services.env), or set REDIS_URL, ELASTICSEARCH_URL and GUN_PEERS to running services.';

type Cleanup = () => Promise<void>;

interface Found {
  redisUrl?: string | undefined;
  elasticsearchUrl?: string | undefined;
  gunPeers?: string | undefined;
  gunRelayUrl?: string | undefined;
}

type Sources = ServiceUrls['sources'];

function write(line: string): void {
  process.stdout.write(`[integration] ${line}\n`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

async function readServicesEnv(): Promise<Record<string, string>> {
  if (!existsSync(servicesEnvFile)) return {};
  const values: Record<string, string> = {};
  for (const line of (await readFile(servicesEnvFile, 'utf8')).split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['info', '--format', '{{.ServerVersion}}'],
      { timeout: 5_000 },
      (err, stdout) => resolve(!err && stdout.trim() !== ''),
    );
  });
}

async function startRedisContainer(cleanups: Cleanup[]): Promise<string> {
  write('starting redis in a container (testcontainers)');
  const container = await new GenericContainer('redis:7.4-alpine')
    .withCommand(['redis-server', ...ephemeralRedisArgs])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  cleanups.push(async () => {
    await container.stop();
  });
  return `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
}

async function startElasticsearchContainer(cleanups: Cleanup[]): Promise<string> {
  write('starting elasticsearch in a container (testcontainers)');
  const container = await new GenericContainer(
    'docker.elastic.co/elasticsearch/elasticsearch:8.19.7',
  )
    .withEnvironment({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'false',
      'action.destructive_requires_name': 'false',
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
    })
    .withExposedPorts(9200)
    .withWaitStrategy(
      Wait.forHttp('/_cluster/health?wait_for_status=yellow&timeout=1s', 9200).forStatusCode(200),
    )
    .withStartupTimeout(180_000)
    .start();
  cleanups.push(async () => {
    await container.stop();
  });
  return `http://${container.getHost()}:${container.getMappedPort(9200)}`;
}

async function startInProcessRelay(cleanups: Cleanup[]): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gun-sync-int-relay-'));
  const relay = await startTestRelay({
    dataDir,
    log: createLogger({ service: 'gun-relay-test', level: 'warn' }),
  });
  cleanups.push(async () => {
    await relay.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  write(`started a gun relay in this process at ${relay.url}`);
  return relay.url;
}

/** Fills every URL from the environment, .local/services.env, or services started here. */
async function findServices(
  cleanups: Cleanup[],
): Promise<{ found: Required<Found>; sources: Sources }> {
  const found: Found = {
    redisUrl: nonEmpty(process.env.REDIS_URL),
    elasticsearchUrl: nonEmpty(process.env.ELASTICSEARCH_URL),
    gunPeers: nonEmpty(process.env.GUN_PEERS),
    gunRelayUrl: nonEmpty(process.env.GUN_RELAY_URL),
  };
  const sources: Partial<Sources> = {};
  if (found.redisUrl) sources.redis = 'env';
  if (found.elasticsearchUrl) sources.elasticsearch = 'env';
  if (found.gunPeers) sources.gun = 'env';

  if (!found.redisUrl || !found.elasticsearchUrl || !found.gunPeers) {
    const file = await readServicesEnv();
    const fromFile = (key: string, source: keyof Sources): string | undefined => {
      const value = nonEmpty(file[key]);
      if (value) sources[source] = 'services.env';
      return value;
    };
    found.redisUrl ??= fromFile('REDIS_URL', 'redis');
    found.elasticsearchUrl ??= fromFile('ELASTICSEARCH_URL', 'elasticsearch');
    if (!found.gunPeers) {
      found.gunPeers = fromFile('GUN_PEERS', 'gun');
      if (found.gunPeers) found.gunRelayUrl ??= nonEmpty(file.GUN_RELAY_URL);
    }
  }

  if (!found.redisUrl || !found.elasticsearchUrl) {
    const missing = [
      !found.redisUrl && 'REDIS_URL',
      !found.elasticsearchUrl && 'ELASTICSEARCH_URL',
    ].filter(Boolean);
    if (!(await dockerAnswers())) {
      throw new Error(
        `Integration services missing: ${missing.join(' and ')} neither set nor in ${servicesEnvFile}, and no Docker engine answers. ${howToStart}`,
      );
    }
    if (!found.redisUrl) {
      found.redisUrl = await startRedisContainer(cleanups);
      sources.redis = 'testcontainers';
    }
    if (!found.elasticsearchUrl) {
      found.elasticsearchUrl = await startElasticsearchContainer(cleanups);
      sources.elasticsearch = 'testcontainers';
    }
  }

  if (!found.gunPeers) {
    found.gunRelayUrl = await startInProcessRelay(cleanups);
    found.gunPeers = `${found.gunRelayUrl}/gun`;
    sources.gun = 'in-process';
  }
  // GUN_PEERS names the relay's WebSocket (…/gun); its HTTP side is the same origin.
  found.gunRelayUrl ??= (found.gunPeers.split(',')[0] ?? '').trim().replace(/\/gun\/?$/, '');

  return {
    found: found as Required<Found>,
    sources: {
      redis: sources.redis ?? 'env',
      elasticsearch: sources.elasticsearch ?? 'env',
      gun: sources.gun ?? 'env',
    },
  };
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: checkTimeoutMs,
    commandTimeout: checkTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err; // connect() only says "Connection is closed"; this says why
  });
  try {
    await redis.connect();
    const pong: string = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } catch (err) {
    throw lastError ? new Error(lastError.message, { cause: err }) : err;
  } finally {
    redis.disconnect();
  }
}

/** GET on the node; credentials in the URL become a basic Authorization header. */
async function esGet(baseUrl: string, path: string): Promise<unknown> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = {};
  if (url.username) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(checkTimeoutMs) });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return res.json();
}

/**
 * Cluster health at least yellow, and the node's version. The version comes from the nodes
 * API: the integ-test-zip node that services.sh runs has no rest-root module, so `GET /` is 405.
 */
async function checkElasticsearch(url: string): Promise<string> {
  const health = (await esGet(url, '/_cluster/health')) as { status?: string };
  if (health.status !== 'green' && health.status !== 'yellow')
    throw new Error(`cluster health is ${health.status}`);
  const info = (await esGet(url, '/_nodes/_local?filter_path=nodes.*.version')) as {
    nodes?: Record<string, { version?: string }>;
  };
  const version = Object.values(info.nodes ?? {})[0]?.version;
  if (!version) throw new Error('the node did not report its version');
  return version;
}

async function checkGunRelay(relayUrl: string): Promise<void> {
  const res = await fetch(new URL('/health', relayUrl), {
    signal: AbortSignal.timeout(checkTimeoutMs),
  });
  if (!res.ok) throw new Error(`GET /health answered ${res.status}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Cleanup[] = [];
  const teardown = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const { found, sources } = await findServices(cleanups);
    const [redis, elasticsearch, gun] = await Promise.allSettled([
      checkRedis(found.redisUrl),
      checkElasticsearch(found.elasticsearchUrl),
      checkGunRelay(found.gunRelayUrl),
    ]);
    const failures: string[] = [];
    if (redis.status === 'rejected')
      failures.push(
        `Redis at ${found.redisUrl} (${sources.redis}) did not answer PING: ${reason(redis.reason)}`,
      );
    if (elasticsearch.status === 'rejected') {
      failures.push(
        `Elasticsearch at ${found.elasticsearchUrl} (${sources.elasticsearch}) is not usable: ${reason(elasticsearch.reason)}`,
      );
    }
    if (gun.status === 'rejected')
      failures.push(
        `GUN relay at ${found.gunRelayUrl} (${sources.gun}) is not reachable: ${reason(gun.reason)}`,
      );
    if (elasticsearch.status === 'rejected' || failures.length > 0) {
      throw new Error(
        `Integration services unreachable:\n  - ${failures.join('\n  - ')}\n${howToStart}`,
      );
    }

    const services: ServiceUrls = {
      redisUrl: found.redisUrl,
      elasticsearchUrl: found.elasticsearchUrl,
      gunPeers: found.gunPeers
        .split(',')
        .map((peer) => peer.trim())
        .filter((peer) => peer !== ''),
      gunRelayUrl: found.gunRelayUrl,
      elasticsearchVersion: elasticsearch.value,
      sources,
    };
    project.provide('services', services);
    write(`redis ${services.redisUrl} (${sources.redis})`);
    write(
      `elasticsearch ${services.elasticsearchVersion} ${services.elasticsearchUrl} (${sources.elasticsearch})`,
    );
    write(
      `gun relay ${services.gunRelayUrl}, peers ${services.gunPeers.join(',')} (${sources.gun})`,
    );
    return teardown;
  } catch (err) {
    await teardown();
    throw err;
  }
}
