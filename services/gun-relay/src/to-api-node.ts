/**
 * A node as OIP's relay `/get` answers it (spec §1.3): no `_` metadata, no null fields, `data`
 * and `oip` parsed when they hold JSON strings (kept as they are otherwise), links left as
 * `{"#": soul}` unless resolved.
 */
import type { GunNode } from '@sync/gun-client';
import { isLink } from '@sync/gun-client/gun';

export function toApiNode(node: GunNode): GunNode {
  const out: GunNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (
      key === '_' ||
      key === '#' ||
      key === '>' ||
      key === '<' ||
      value === null ||
      value === undefined
    )
      continue;
    if ((key === 'data' || key === 'oip') && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value) as unknown;
      } catch {
        out[key] = value;
      }
      continue;
    }
    out[key] = value;
  }
  return out;
}

export interface ResolveLimits {
  maxDepth: number;
  maxNodes: number;
}

/**
 * Replaces links by the nodes they point to (`?resolve=1`), depth-first up to the limits; a
 * link that cannot be read, or lies beyond the limits, stays a link.
 */
export async function resolveLinks(
  node: GunNode,
  read: (soul: string) => Promise<GunNode | null>,
  limits: ResolveLimits,
): Promise<GunNode> {
  let budget = limits.maxNodes;
  const walk = async (
    current: GunNode,
    depth: number,
    seen: ReadonlySet<string>,
  ): Promise<GunNode> => {
    const out: GunNode = { ...current };
    for (const [key, value] of Object.entries(current)) {
      if (!isLink(value) || depth >= limits.maxDepth || budget <= 0 || seen.has(value['#']))
        continue;
      budget -= 1;
      const child = await read(value['#']);
      if (child) out[key] = await walk(toApiNode(child), depth + 1, new Set([...seen, value['#']]));
    }
    return out;
  };
  return walk(node, 0, new Set());
}
