/**
 * This node's registry identity (spec §4, §8.16): GUN_NODE_ID_OVERRIDE when set, otherwise an
 * id generated once and kept in Redis. `SET NX` makes concurrent replicas agree on the first
 * one written; restarts read it back instead of minting a new one.
 */
import { randomBytes } from 'node:crypto';
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
