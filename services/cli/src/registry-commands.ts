/**
 * `registry stats` (entries by type and by registering node) and `registry diff` (registry
 * souls vs this node's did:gun: documents). Both only read.
 */
import type { Client } from '@elastic/elasticsearch';
import type { GunRegistry, IndexEntry } from '@sync/gun-client';
import { gunDocumentsQuery, scanIndex } from './es-scan.js';
import type { Reporter } from './reporter.js';
import { toDocumentSoul } from './to-registration.js';

export interface RegistryDeps {
  reader: Pick<GunRegistry, 'listRecordTypes' | 'readTypeIndex'>;
  reporter: Reporter;
}

export interface RegistryEntries {
  entries: IndexEntry[];
  types: string[];
  /** Types whose index could not be read, with the reason. */
  unreadable: { recordType: string; error: string }[];
}

export interface RegistryStats {
  total: number;
  byType: Record<string, number>;
  byNodeId: Record<string, number>;
  unreadable: RegistryEntries['unreadable'];
}

export interface RegistryDiff {
  registry: number;
  elasticsearch: number;
  missingInElasticsearch: { count: number; souls: string[] };
  missingInRegistry: { count: number; souls: string[] };
  unreadable: RegistryEntries['unreadable'];
}

/** Reads every record type's index (or only `type`). */
export async function readRegistry(
  { reader, reporter }: RegistryDeps,
  type?: string,
  extraTypes: readonly string[] = [],
): Promise<RegistryEntries> {
  const types =
    type !== undefined
      ? [type]
      : [...new Set([...(await reader.listRecordTypes()), ...extraTypes])].sort();
  const entries: IndexEntry[] = [];
  const unreadable: RegistryEntries['unreadable'] = [];
  for (const [i, recordType] of types.entries()) {
    const res = await reader.readTypeIndex(recordType);
    if (res.status === 'found') entries.push(...res.value);
    else if (res.status === 'error') unreadable.push({ recordType, error: res.error.message });
    reporter.progress('registry types', i + 1, types.length);
  }
  reporter.finish('registry types', types.length, types.length);
  return { entries, types, unreadable };
}

export function toRegistryStats({ entries, unreadable }: RegistryEntries): RegistryStats {
  const byType: Record<string, number> = {};
  const byNodeId: Record<string, number> = {};
  for (const entry of entries) {
    byType[entry.recordType] = (byType[entry.recordType] ?? 0) + 1;
    const node = entry.nodeId ?? '(none)';
    byNodeId[node] = (byNodeId[node] ?? 0) + 1;
  }
  return { total: entries.length, byType, byNodeId, unreadable };
}

/** Souls on one side only, sorted; `show` of each listed. */
export function toRegistryDiff(
  registry: ReadonlySet<string>,
  elasticsearch: ReadonlySet<string>,
  show: number,
  unreadable: RegistryEntries['unreadable'] = [],
): RegistryDiff {
  const only = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
    [...a].filter((soul) => !b.has(soul)).sort();
  const missingInElasticsearch = only(registry, elasticsearch);
  const missingInRegistry = only(elasticsearch, registry);
  return {
    registry: registry.size,
    elasticsearch: elasticsearch.size,
    missingInElasticsearch: {
      count: missingInElasticsearch.length,
      souls: missingInElasticsearch.slice(0, show),
    },
    missingInRegistry: { count: missingInRegistry.length, souls: missingInRegistry.slice(0, show) },
    unreadable,
  };
}

/** Souls (and record types) of this node's did:gun: documents. */
export async function readElasticsearchSouls(
  es: Client,
  index: string,
  reporter: Reporter,
  type?: string,
): Promise<{ souls: Set<string>; types: Set<string> }> {
  const souls = new Set<string>();
  const types = new Set<string>();
  let total = 0;
  for await (const page of scanIndex(es, {
    index,
    query: gunDocumentsQuery(type),
    batchSize: 5000,
    fields: ['oip.did', 'oip.didTx', 'oip.recordType'],
  })) {
    total = page.total;
    for (const hit of page.hits) {
      const soul = toDocumentSoul(hit.id, hit.source);
      const recordType = (hit.source.oip as { recordType?: unknown } | undefined)?.recordType;
      if (type !== undefined && recordType !== type) continue;
      if (soul !== undefined) souls.add(soul);
      if (typeof recordType === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(recordType))
        types.add(recordType);
    }
    reporter.progress('elasticsearch documents', souls.size, total);
  }
  reporter.finish('elasticsearch documents', souls.size, total);
  return { souls, types };
}
