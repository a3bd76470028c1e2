/**
 * Splits a put's data into flat GUN nodes the way `gun.get(soul).put(data)` does: every nested
 * object becomes the child node `<parent soul>/<key>`, linked from its parent. The data must
 * have passed `findPutProblem` (no arrays, no empty objects, no null at the root).
 */
import type { GunNode } from '@sync/gun-client';
import { isLink, toLink } from '@sync/gun-client/gun';

export function toGunGraph(soul: string, data: Record<string, unknown>): Record<string, GunNode> {
  const graph: Record<string, GunNode> = {};
  const visit = (nodeSoul: string, value: Record<string, unknown>) => {
    const node: GunNode = {};
    graph[nodeSoul] = node;
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === 'object' && field !== null && !isLink(field)) {
        const childSoul = `${nodeSoul}/${key}`;
        node[key] = toLink(childSoul);
        visit(childSoul, field as Record<string, unknown>);
      } else {
        node[key] = field;
      }
    }
  };
  visit(soul, data);
  return graph;
}

/**
 * The record type a put carries, for the relay's bookkeeping: from `oip.recordType` whether
 * `oip` is an object or (OIP's current format) a JSON string.
 */
export function toRecordType(data: Record<string, unknown>): string | null {
  const candidates = [data.oip, (data.data as Record<string, unknown> | undefined)?.oip];
  for (const oip of candidates) {
    let value: unknown = oip;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        continue;
      }
    }
    const type = (value as { recordType?: unknown } | null)?.recordType;
    if (typeof type === 'string' && type !== '') return type;
  }
  return null;
}
