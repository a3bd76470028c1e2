/**
 * Registrations made through the API go to this node's own relays (GUN_PEERS) only: an external
 * peer (GUN_EXTERNAL_PEERS) is read from, never written to, and never sees GUN_WRITE_TOKEN.
 * The external peer is a real relay behind a recording HTTP forwarder, so the test sees every
 * request it gets and can read back what landed on it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createSilentLogger } from '@sync/logging';
import { connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { startTestRelay, type TestRelay } from '../../gun-relay/test/support.js';
import { serviceUrls } from '../../../test/services.js';
import { forwardedRequest } from '../../../test/support/slow-relay.js';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';

const log = createSilentLogger();
const writeToken = `local-${randomUUID()}`;
const adminToken = `admin-${randomUUID()}`;

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** Forwards every request to `target` and records its method, path and authorization header. */
async function startRecorder(
  target: string,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      authorization: req.headers.authorization,
    });
    const forward = request(forwardedRequest(upstream, req), (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  // GUN's WebSocket (wire mode): recorded, then piped through as raw bytes.
  server.on('upgrade', (req, client: Socket, head: Buffer) => {
    seen.push({
      method: 'UPGRADE',
      path: (req.url ?? '').split('?')[0] ?? '',
      authorization: req.headers.authorization,
    });
    const socket = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
    socket.on('error', () => client.destroy());
    client.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('registry writes from the API', () => {
  let redis: Redis;
  let local: TestRelay;
  let external: TestRelay;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = await connectRedis(serviceUrls().redisUrl, 'producer');
    local = await startTestRelay({ writeToken });
    // The worst case: an external relay that accepts unauthenticated writes.
    external = await startTestRelay({ store: 'memory' });
    recorder = await startRecorder(external.url);
  }, 30_000);

  afterAll(async () => {
    for (const prefix of prefixes) await obliterateAll(redis, prefix);
    redis?.disconnect();
    await recorder?.close();
    await external?.close();
    await local?.close();
  });

  it.each(['http', 'wire'] as const)(
    '%s: registers on the local relay only; the external peer gets no write and no token',
    async (mode) => {
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      recorder.seen.length = 0;
      const root = `test-${randomUUID().slice(0, 8)}:registry`;
      const peer = (url: string) => (mode === 'wire' ? `${url}/gun` : url);
      const config = loadApiConfig({
        REDIS_URL: serviceUrls().redisUrl,
        QUEUE_PREFIX: prefix,
        ELASTICSEARCH_URL: serviceUrls().elasticsearchUrl,
        GUN_CLIENT_MODE: mode,
        GUN_PEERS: peer(local.url),
        GUN_EXTERNAL_PEERS: peer(recorder.url),
        GUN_WRITE_TOKEN: writeToken,
        GUN_REGISTRY_ROOT: root,
        GUN_NODE_ID_OVERRIDE: 'node-a',
        API_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'silent',
      });
      const deps = await createDeps(config, log);
      const app = await buildApp({ ...deps, log, config });
      try {
        const creatorPubKey = 'k'.repeat(40);
        const hash = createHash('sha256').update(creatorPubKey).digest('hex').slice(0, 12);
        const soul = `${hash}:post-${mode}`;
        const res = await app.inject({
          method: 'POST',
          url: '/api/registry/records',
          headers: { authorization: `Bearer ${adminToken}` },
          payload: { soul, recordType: 'post', creatorPubKey },
        });
        expect(res.statusCode, res.body).toBe(200);

        const landed = async (relayUrl: string) => {
          const answer = await fetch(
            `${relayUrl}/get?soul=${encodeURIComponent(`${root}:nodes:node-a:${soul}`)}`,
          );
          return answer.status === 200;
        };
        expect(recorder.seen.filter((r) => r.authorization !== undefined)).toEqual([]);
        expect(recorder.seen.filter((r) => r.method === 'POST')).toEqual([]);
        expect(await landed(local.url)).toBe(true);
        expect(await landed(external.url)).toBe(false);
      } finally {
        await app.close();
        await deps.close();
      }
    },
    30_000,
  );
});
