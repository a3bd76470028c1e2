/**
 * Fills a relay fast with N OIP records exactly as its HTTP `/put` would store them (same
 * flattening: services/gun-relay toGunGraph) plus their registry entries (index field, index
 * child, node entry: gun-client toRegistrationWrites), many souls per GUN put message over the
 * wire, so 100,000 records take minutes instead of hours. A batch whose acknowledgement does
 * not come is counted; the benchmarks count what the relay actually serves.
 */
import { toRegistrationWrites, type GunNode } from '@sync/gun-client';
import { closeGun, createClientGun, putGraph } from '@sync/gun-client/gun';
import { toGunGraph } from '../../services/gun-relay/src/to-gun-graph.js';
import { benchRecord, type Publisher } from './oip-publisher.js';

export interface SeedOptions {
  /** Every n-th record is private (OIP's legacy shared key). Default 10 (10 %). */
  privateEvery?: number;
  batch?: number;
  inFlight?: number;
  onProgress?: (done: number) => void;
}

export async function seedRecords(
  relayUrl: string,
  publisher: Publisher,
  total: number,
  { privateEvery = 10, batch = 20, inFlight = 4, onProgress }: SeedOptions = {},
): Promise<{ dids: string[]; unacknowledged: number }> {
  const gun = createClientGun({ peers: [`${relayUrl}/gun`] });
  const dids: string[] = [];
  let unacknowledged = 0;
  const writes: Promise<void>[] = [];
  try {
    for (let start = 0; start < total; start += batch) {
      const graph: Record<string, GunNode> = {};
      const index: GunNode = {};
      for (let n = start; n < Math.min(total, start + batch); n++) {
        const put = benchRecord(publisher, n, { privateEvery });
        Object.assign(graph, toGunGraph(put.soul, put.data));
        for (const write of toRegistrationWrites('oip:registry', {
          recordType: 'post',
          soul: put.soul,
          creatorPubKey: publisher.publicKey,
          nodeId: 'node-a',
          timestamp: 1_762_000_000_000 + n,
        })) {
          if (write.field) Object.assign(index, write.node);
          else graph[write.soul] = write.node;
        }
        dids.push(`did:gun:${put.soul}`);
      }
      graph['oip:registry:index:post'] = index;
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
