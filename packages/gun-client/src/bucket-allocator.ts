/**
 * Which v2 bucket a writer puts its next registration of a type into. Buckets are chosen by
 * the time of writing (never the entry's own timestamp, so a migration of old records still
 * lands in a current bucket an incremental reader has not passed) and a bucket takes at most
 * `maxEntries` of this writer's entries before it opens the next page. The first registration
 * of a type in a window reads the bucket list and the window's last bucket once, so a restarted
 * writer continues where it was. State per type is one small object (types are few).
 */
import type { NodeSource } from './node-source.js';
import {
  formatBucketKey,
  toBucketKeys,
  toBucketListSoul,
  toBucketSoul,
  toWindow,
  type BucketKey,
  type BucketSettings,
} from './registry-v2.js';
import type { UpstreamError } from './errors.js';

interface TypeState {
  key: BucketKey;
  count: number;
  listed: boolean;
}

export interface BucketSlot {
  key: BucketKey;
  /** Whether the bucket list already names this bucket. */
  listed: boolean;
}

export interface BucketAllocator {
  /** Reserves one entry in the type's current bucket. */
  next(recordType: string, now: number, signal?: AbortSignal): Promise<BucketSlot>;
  /** The bucket list now names the bucket (after its field was written). */
  listed(recordType: string, key: BucketKey): void;
  /** Forgets a type's state after a failed write: the next call reads the graph again. */
  forget(recordType: string): void;
  /**
   * Reads a type's state for the current window ahead of its first registration, so that
   * registration does not wait for it (on OIP's relay a bucket list that does not exist yet
   * costs a 3 s not-found).
   */
  prepare(recordType: string, now: number, signal?: AbortSignal): Promise<void>;
}

const maxTypes = 1000;

export function createBucketAllocator(
  source: NodeSource,
  root: string,
  settings: BucketSettings,
): BucketAllocator {
  const states = new Map<string, TypeState>();
  const loading = new Map<string, Promise<TypeState>>();

  function fail(error: UpstreamError): never {
    throw error;
  }

  async function load(recordType: string, window: number, signal?: AbortSignal) {
    const list = await source.readNode(toBucketListSoul(root, recordType), { signal });
    if (list.status === 'error') fail(list.error);
    const inWindow =
      list.status === 'found' ? toBucketKeys(list.value).filter((k) => k.window === window) : [];
    const last = inWindow.at(-1);
    if (!last) return { key: { window, page: 0 }, count: 0, listed: false };
    const bucket = await source.readNode(toBucketSoul(root, recordType, formatBucketKey(last)), {
      signal,
    });
    if (bucket.status === 'error') fail(bucket.error);
    const count = bucket.status === 'found' ? Object.keys(bucket.value).length : 0;
    return { key: last, count, listed: true };
  }

  async function current(recordType: string, window: number, signal?: AbortSignal) {
    const state = states.get(recordType);
    if (state && state.key.window === window) return state;
    let pending = loading.get(recordType);
    if (!pending) {
      pending = load(recordType, window, signal).finally(() => loading.delete(recordType));
      loading.set(recordType, pending);
    }
    const loaded = await pending;
    const again = states.get(recordType);
    if (again && again.key.window === window) return again;
    if (states.size >= maxTypes && !states.has(recordType)) states.clear();
    states.set(recordType, loaded);
    return loaded;
  }

  return {
    async next(recordType, now, signal) {
      const state = await current(recordType, toWindow(now, settings.spanMs), signal);
      if (state.count >= settings.maxEntries) {
        state.key = { window: state.key.window, page: state.key.page + 1 };
        state.count = 0;
        state.listed = false;
      }
      state.count += 1;
      return { key: state.key, listed: state.listed };
    },
    listed(recordType, key) {
      const state = states.get(recordType);
      if (state && state.key.window === key.window && state.key.page === key.page)
        state.listed = true;
    },
    forget(recordType) {
      states.delete(recordType);
    },
    async prepare(recordType, now, signal) {
      await current(recordType, toWindow(now, settings.spanMs), signal);
    },
  };
}
