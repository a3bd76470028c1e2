/**
 * This node's registry identity (spec §4, §8.16): GUN_NODE_ID_OVERRIDE when set, otherwise an
 * id generated once and kept in Redis. `SET NX` makes concurrent replicas agree on the first
 * one written; restarts read it back instead of minting a new one.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@sync/logging';
import { SyncError } from '@sync/runtime/errors';

/** The two Redis commands used (ioredis' signatures). */
export interface NodeIdStore {
  set(key: string, value: string, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
}

export interface ResolveNodeIdOptions {
  override?: string | undefined;
  redis: NodeIdStore;
  /** Redis key, e.g. `${QUEUE_PREFIX}:gun:node-id`. */
  key: string;
  /** 16 hex characters like OIP's ids unless given. */
  generate?: () => string;
}

export async function resolveNodeId({
  override,
  redis,
  key,
  generate = () => randomBytes(8).toString('hex'),
}: ResolveNodeIdOptions): Promise<string> {
  if (override) return override;
  await redis.set(key, generate(), 'NX');
  const id = await redis.get(key);
  if (!id)
    throw new SyncError('SYNC_NODE_ID_UNAVAILABLE', `node id key ${key} is empty after SET NX`, {
      retryable: true,
    });
  return id;
}

/** A Redis connection that says when it is ready again (ioredis' `ready` after a reconnect). */
export interface NodeIdKeeperStore extends NodeIdStore {
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

export interface KeepNodeIdOptions {
  /** GUN_NODE_ID_OVERRIDE: when set nothing is kept in Redis and this does nothing. */
  override?: string | undefined;
  redis: NodeIdKeeperStore;
  key: string;
  /** The id this process resolved at start and uses. */
  id: string;
  log: Pick<Logger, 'warn' | 'info'>;
  /** How often to check besides after each reconnect (a flush without one). */
  everyMs?: number;
}

/** Default of `everyMs`. */
export const KEEP_NODE_ID_EVERY_MS = 30_000;

/**
 * Keeps a generated node id in Redis while the process runs. The id lives only there: after
 * Redis restarted empty, a process that starts next would mint a new one, and the node would
 * have two identities (its own records no longer recognised as its own). So after every
 * reconnect and every `everyMs` the running process writes its id back (`SET NX`: an id that is
 * there is never replaced). When Redis holds another id it says so once; the process keeps
 * its own until restarted. Returns `stop()`.
 */
export function keepNodeId({
  override,
  redis,
  key,
  id,
  log,
  everyMs = KEEP_NODE_ID_EVERY_MS,
}: KeepNodeIdOptions): { stop(): void } {
  if (override) return { stop: () => undefined };
  let checking = false;
  let failing = false;
  let stopped = false;
  /** The other id last reported, so each conflict is logged once. */
  let reported: string | null = null;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const written = (await redis.set(key, id, 'NX')) === 'OK';
      if (written)
        log.warn({ key }, 'node id was missing from Redis (restarted empty?): written again');
      else if (failing) log.info({ key }, 'node id in Redis checked again');
      failing = false;
      const stored = written ? id : await redis.get(key);
      if (stored !== id && stored !== reported && !stopped)
        log.warn(
          { key, nodeId: id, storedNodeId: stored },
          'Redis holds another node id than this process uses: restart it to adopt that one',
        );
      reported = stored === id ? null : stored;
    } catch (err) {
      if (!failing && !stopped) log.warn({ err, key }, 'node id in Redis could not be checked');
      failing = true;
    } finally {
      checking = false;
    }
  };
  const onReady = () => void check();
  redis.on('ready', onReady);
  const timer = setInterval(onReady, everyMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}

/**
 * What every stage does at start: resolve the node id, and keep a generated one in Redis while
 * the process runs (`keepNodeId`). Call `stopKeeping()` on close.
 */
export async function resolveAndKeepNodeId(
  options: Omit<ResolveNodeIdOptions, 'redis'> & {
    redis: NodeIdKeeperStore;
    log: KeepNodeIdOptions['log'];
  },
): Promise<{ nodeId: string; stopKeeping: () => void }> {
  const nodeId = await resolveNodeId(options);
  const keeper = keepNodeId({ ...options, id: nodeId });
  return { nodeId, stopKeeping: () => keeper.stop() };
}
