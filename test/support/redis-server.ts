/**
 * A test's own Redis: a redis-server on 127.0.0.1 with nothing persisted, that a fault test can
 * kill and start again empty on the same port (the shared Redis is never touched).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/** redis-server flags for a test's own Redis: nothing persisted, and BullMQ's required policy. */
export const ephemeralRedisArgs = [
  '--save',
  '',
  '--appendonly',
  'no',
  '--maxmemory-policy',
  'noeviction',
] as const;

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL, then a new redis-server on the same port: every key is gone. */
  restartEmpty(): Promise<void>;
  /** SIGKILL (nothing to save); idempotent. */
  stop(): Promise<void>;
}

/** Resolves once a redis-server on `port` answers PING. */
async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', ...ephemeralRedisArgs],
    { stdio: 'ignore' },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  // Polled here rather than with node.ts' waitFor: global-setup imports this file.
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await probe.connect().catch(() => undefined);
      if ((await probe.ping().catch(() => undefined)) === 'PONG') break;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`redis-server on port ${port} did not answer within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    probe.disconnect();
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A redis-server of the test's own on a free port. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restartEmpty() {
      await kill(child);
      child = await launch(port);
    },
    stop: () => kill(child),
  };
}
