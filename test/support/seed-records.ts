/**
 * Fills a relay fast with N OIP records exactly as its HTTP `/put` would store them (same
 * flattening: services/gun-relay toGunGraph) plus their registry entries (index field, index
 * child, node entry: gun-client toRegistrationWrites), many souls per GUN put message over the
 * wire, so 100,000 records take minutes instead of hours. A batch whose acknowledgement does
 * not come is counted; the benchmarks count what the relay actually serves.
 */
import {
  defaultBucketSettings,
  toRegistrationWrites,
  toV2RegistrationWrites,
  toWindow,
  type GunNode,
} from '@sync/gun-client';
import { closeGun, createClientGun, putGraph } from '@sync/gun-client/gun';
import { toGunGraph } from '../../services/gun-relay/src/to-gun-graph.js';
import { benchRecord, type Publisher } from './oip-publisher.js';

export interface SeedOptions {
  /** Every n-th record is private (OIP's legacy shared key). Default 10 (10 %). */
  privateEvery?: number;
  batch?: number;
  inFlight?: number;
  onProgress?: (done: number) => void;
  /**
   * Registry layout of the entries: `legacy` (OIP's legacy index only, the default) or `v2`
   * (v2 buckets of GUN_REGISTRY_BUCKET_MAX_ENTRIES's default size plus the legacy index, as
   * gun-sync writes both).
   */
  layout?: 'legacy' | 'v2';
}

export async function seedRecords(
  relayUrl: string,
  publisher: Publisher,
  total: number,
  { privateEvery = 10, batch = 20, inFlight = 4, onProgress, layout = 'legacy' }: SeedOptions = {},
): Promise<{ dids: string[]; unacknowledged: number }> {
  const gun = createClientGun({ peers: [`${relayUrl}/gun`] });
  const dids: string[] = [];
  let unacknowledged = 0;
  const writes: Promise<void>[] = [];
  try {
    for (let start = 0; start < total; start += batch) {
      const graph: Record<string, GunNode> = {};
      for (let n = start; n < Math.min(total, start + batch); n++) {
        const put = benchRecord(publisher, n, { privateEvery });
        Object.assign(graph, toGunGraph(put.soul, put.data));
        const registration = {
          recordType: 'post',
          soul: put.soul,
          creatorPubKey: publisher.publicKey,
          nodeId: 'node-a',
          timestamp: 1_762_000_000_000 + n,
        };
        const { spanMs, maxEntries } = defaultBucketSettings;
        const registryWrites = [
          ...toRegistrationWrites('oip:registry', registration),
          ...(layout === 'v2'
            ? toV2RegistrationWrites('oip:registry', registration, {
                key: {
                  window: toWindow(registration.timestamp, spanMs),
                  page: Math.floor(n / maxEntries),
                },
                listed: n % maxEntries !== 0,
              })
            : []),
        ];
        // Field writes (index, bucket, bucket list) add fields to what the batch has of the node.
        for (const write of registryWrites)
          graph[write.soul] = write.field ? { ...graph[write.soul], ...write.node } : write.node;
        dids.push(`did:gun:${put.soul}`);
      }
      writes.push(
        putGraph(gun._, graph, {
          direction: 'out',
          timeoutMs: 30_000,
          ack: true,
          inGraph: false,
        }).catch(() => void (unacknowledged += 1)),
      );
      if (writes.length >= inFlight) await writes.shift();
      onProgress?.(Math.min(total, start + batch));
    }
    await Promise.all(writes);
  } finally {
    await closeGun(gun);
  }
  return { dids, unacknowledged };
}
