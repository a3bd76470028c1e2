/**
 * Reading OIP's registry graph (spec §4, §5, vectors registry.json): the per-type index node
 * maps record souls to links whose child nodes carry `{soul, nodeId, timestamp}`; the deletion
 * index maps DIDs to `true` (`null` once un-deleted).
 */
import { isPlainObject, ownValue } from './json.js';
import { isLink } from './record-graph.js';

export const DEFAULT_REGISTRY_ROOT = 'oip:registry';
export const DELETION_INDEX_SOUL = 'oip:deleted:records:index';

export function registryIndexSoul(recordType: string, root = DEFAULT_REGISTRY_ROOT): string {
  return `${root}:index:${recordType}`;
}

export interface RegistryIndexEntry {
  recordType: string;
  soul: string;
  /** Registering node; undefined when the child node was not read. */
  nodeId: string | undefined;
  timestamp: number | undefined;
}

/**
 * The entries of one type's index node. `nodes` holds the index node and whichever entry
 * child nodes were read; an entry whose child is missing still yields its soul (the key).
 */
export function toRegistryEntries(
  recordType: string,
  nodes: Record<string, unknown>,
  root = DEFAULT_REGISTRY_ROOT,
): RegistryIndexEntry[] {
  const index = ownValue(nodes, registryIndexSoul(recordType, root));
  if (!isPlainObject(index)) return [];
  const entries: RegistryIndexEntry[] = [];
  for (const [key, value] of Object.entries(index)) {
    if (
      key.startsWith('_') ||
      key.startsWith('#') ||
      key === '' ||
      value === null ||
      value === undefined
    )
      continue;
    const childValue = isLink(value) ? ownValue(nodes, value['#']) : value;
    const child = isPlainObject(childValue) ? childValue : {};
    const soul = ownValue(child, 'soul');
    const nodeId = ownValue(child, 'nodeId');
    const timestamp = ownValue(child, 'timestamp');
    entries.push({
      recordType,
      soul: typeof soul === 'string' && soul !== '' ? soul : key,
      nodeId: typeof nodeId === 'string' && nodeId !== '' ? nodeId : undefined,
      timestamp:
        typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : undefined,
    });
  }
  return entries;
}

/** DIDs marked deleted in the deletion index node (`{"<did>": true}`). */
export function toDeletedDids(indexNode: unknown): string[] {
  if (!isPlainObject(indexNode)) return [];
  return Object.entries(indexNode)
    .filter(([key, value]) => key.startsWith('did:') && value === true)
    .map(([key]) => key);
}
