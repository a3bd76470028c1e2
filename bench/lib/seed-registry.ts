/**
 * Fills a relay with `entries` records of the current OIP format (root + meta, ~1.6 KB, from
 * the records vector) and their registry entries (index field, index child, node entry), in
 * batches of many souls per GUN put message so seeding takes seconds, not hours. radisk loses
 * acknowledgements of large batches (the data is stored, the aggregated ack never comes), so
 * batches stay small and an unacknowledged batch is counted, not retried: the readers count
 * what they actually find.
 */
import type { GunNode } from '@sync/gun-client';
import { toRegistrationWrites } from '@sync/gun-client';
import { putGraph, type GunRoot } from '@sync/gun-client/gun';

const templateSoul = '82d1ad726425:post-001';

function recordNodes(template: Record<string, GunNode>, soul: string): Record<string, GunNode> {
  const text = JSON.stringify(template).replaceAll(templateSoul, soul);
  return JSON.parse(text) as Record<string, GunNode>;
}

export async function seedRegistry(
  root: GunRoot,
  {
    entries,
    template,
    batch = 20,
  }: { entries: number; template: Record<string, GunNode>; batch?: number },
): Promise<{ unacknowledged: number }> {
  const writes: Promise<void>[] = [];
  let unacknowledged = 0;
  for (let start = 0; start < entries; start += batch) {
    const graph: Record<string, GunNode> = {};
    const index: GunNode = {};
    for (let i = start; i < Math.min(entries, start + batch); i++) {
      const soul = `82d1ad726425:bench-${String(i).padStart(6, '0')}`;
      Object.assign(graph, recordNodes(template, soul));
      for (const write of toRegistrationWrites('oip:registry', {
        recordType: 'post',
        soul,
        creatorPubKey: 'bench',
        nodeId: 'node-bench',
        timestamp: 1761991200000 + i,
      })) {
        if (write.field) Object.assign(index, write.node);
        else graph[write.soul] = write.node;
      }
    }
    graph['oip:registry:index:post'] = index;
    writes.push(
      putGraph(root, graph, {
        direction: 'out',
        timeoutMs: 15_000,
        ack: true,
        inGraph: false,
      }).catch(() => void (unacknowledged += 1)),
    );
    if (writes.length >= 4) await writes.shift();
  }
  await Promise.all(writes);
  return { unacknowledged };
}
