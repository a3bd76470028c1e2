/**
 * Bulk seeding for bench/registry-scale.ts: the exact graph our RegistryWriter writes for
 * `entries` registrations of one type (legacy index child + field, node registry entry, v2
 * bucket field + bucket list field), merged into batches and put straight into a radisk folder
 * by a GUN peer in this process (no network, no read-back), so 100,000 registrations take
 * minutes, not hours. Bucket slots are what the writer's allocator hands a single fresh writer:
 * page = floor(i / maxEntries) in the window of the time of writing.
 */
import { createServer } from 'node:http';
import {
  toRegistrationWrites,
  toV2RegistrationWrites,
  type BucketSettings,
  type GunNode,
  type RegistryLayout,
} from '@sync/gun-client';
import { closeGun, createServerGun, putGraph, type GunRoot } from '@sync/gun-client/gun';

export const benchRoot = 'oip:registry';
export const benchType = 'post';
export const benchSoul = (i: number) => `82d1ad726425:scale-${String(i).padStart(6, '0')}`;

/** The writes of registration `i`, as the writer would make them at `writtenAt`. */
export function registrationGraph(
  i: number,
  {
    layout,
    buckets,
    writtenAt,
    nodeEntries,
  }: { layout: RegistryLayout; buckets: BucketSettings; writtenAt: number; nodeEntries: boolean },
): { soul: string; node: GunNode }[] {
  const entry = {
    recordType: benchType,
    soul: benchSoul(i),
    creatorPubKey: 'bench',
    nodeId: 'node-bench',
    timestamp: 1761991200000 + i,
  };
  // The node registry entries (spec §4) are written by both layouts but read by no discovery:
  // left out unless asked for, they would be most of the radisk work.
  const legacy = toRegistrationWrites(benchRoot, entry).filter(
    (w) => nodeEntries || !w.soul.startsWith(`${benchRoot}:nodes:`),
  );
  const writes =
    layout === 'v2' ? legacy.filter((w) => w.soul.startsWith(`${benchRoot}:nodes:`)) : legacy;
  if (layout === 'legacy') return writes;
  const window = Math.floor(writtenAt / buckets.spanMs) * buckets.spanMs;
  const page = Math.floor(i / buckets.maxEntries);
  const slot = { key: { window, page }, listed: i % buckets.maxEntries !== 0 };
  return [...writes, ...toV2RegistrationWrites(benchRoot, entry, slot)];
}

/** radisk sometimes never acknowledges a batch (and loses it): puts are idempotent, so put again. */
async function putWithRetries(root: GunRoot, graph: Record<string, GunNode>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await putGraph(root, graph, {
        direction: 'in',
        timeoutMs: 10_000,
        ack: true,
        inGraph: true,
      });
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/** Seeds `dataDir` (radisk) with registrations [from, to). */
export async function seedRadisk(
  dataDir: string,
  {
    from,
    to,
    layout,
    buckets,
    writtenAt,
    batch = 200,
    inFlightMax = 4,
    nodeEntries = false,
    onProgress,
  }: {
    from: number;
    to: number;
    layout: RegistryLayout;
    buckets: BucketSettings;
    writtenAt: number;
    batch?: number;
    inFlightMax?: number;
    nodeEntries?: boolean;
    onProgress?: (done: number) => void;
  },
): Promise<{ unacknowledged: number }> {
  const web = createServer();
  const gun = createServerGun({ web, peers: [], file: dataDir, store: 'radisk' });
  const root = gun._;
  let unacknowledged = 0;
  const inFlight: Promise<void>[] = [];
  for (let start = from; start < to; start += batch) {
    const graph: Record<string, GunNode> = {};
    for (let i = start; i < Math.min(to, start + batch); i++)
      for (const { soul, node } of registrationGraph(i, {
        layout,
        buckets,
        writtenAt,
        nodeEntries,
      }))
        graph[soul] = Object.assign(graph[soul] ?? {}, node);
    inFlight.push(
      putWithRetries(root, graph)
        .catch(() => void (unacknowledged += 1))
        .finally(() => {
          // Keep the seeder small: the disk holds it now.
          for (const soul of Object.keys(graph)) delete root.graph[soul];
          onProgress?.(Math.min(to, start + batch) - from);
        }),
    );
    if (inFlight.length >= inFlightMax) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await closeGun(gun);
  web.close();
  return { unacknowledged };
}

/**
 * Reads back every node that grows by one field per registration (bucket list, buckets, legacy
 * index) through the relay at `url` and puts missing fields again through `/put`, as our
 * writer's read-back does: radisk can acknowledge a batch and still lose a field. Returns the
 * fields put again (0 = the graph is whole).
 */
export async function repairSeed(
  url: string,
  options: { to: number; layout: RegistryLayout; buckets: BucketSettings; writtenAt: number },
): Promise<number> {
  const expected = new Map<string, GunNode>();
  const children = new Map<string, GunNode>();
  for (let i = 0; i < options.to; i++)
    for (const { soul, node } of registrationGraph(i, { ...options, nodeEntries: false })) {
      if (soul.includes(':index:') && soul.includes('/')) children.set(soul, node);
      else {
        const fields = expected.get(soul);
        if (fields) Object.assign(fields, node);
        else expected.set(soul, { ...node });
      }
    }
  let repaired = 0;
  for (const [soul, node] of expected) {
    const answer = await fetch(`${url}/get?soul=${encodeURIComponent(soul)}`);
    const body = answer.ok ? ((await answer.json()) as { data?: GunNode }) : {};
    const have = body.data ?? {};
    const missing: GunNode = {};
    for (const [key, value] of Object.entries(node)) {
      if (key in have) continue;
      // A legacy index field is put as its child node (the relay makes `<soul>/<key>` and the link).
      missing[key] = children.get(`${soul}/${key}`) ?? value;
    }
    const keys = Object.keys(missing);
    for (let start = 0; start < keys.length; start += 500) {
      const part = Object.fromEntries(keys.slice(start, start + 500).map((k) => [k, missing[k]]));
      const put = await fetch(`${url}/put`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ soul, data: part }),
      });
      if (!put.ok) throw new Error(`repair of ${soul} failed: ${put.status}`);
    }
    repaired += keys.length;
  }
  return repaired;
}
