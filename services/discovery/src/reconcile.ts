/**
 * Reconciliation after a full scan: documents this node synced from GUN (`oip.storage: gun`)
 * that no registry lists any more. They are reported (log, stats, metric), not deleted: a
 * registry read can be partial, and deletions travel through the deletion registry.
 * Pages through the index with search_after on `oip.did`, so memory stays at one page.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '@sync/logging';

export interface ReconcileResult {
  checked: number;
  orphans: number;
  /** Up to ten orphan DIDs, for the log. */
  examples: string[];
}

export interface ReconcileDeps {
  es: Client;
  index: string;
  pageSize?: number;
  log: Logger;
}

export async function findOrphans(
  { es, index, pageSize = 1000, log }: ReconcileDeps,
  listed: ReadonlySet<string>,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, orphans: 0, examples: [] };
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await es.search<{ oip?: { did?: string } }>({
      index,
      size: pageSize,
      _source: ['oip.did'],
      query: { term: { 'oip.storage': 'gun' } },
      sort: [{ 'oip.did': 'asc' }],
      ...(after ? { search_after: after } : {}),
      ignore_unavailable: true,
    });
    const hits = page.hits.hits;
    for (const hit of hits) {
      result.checked += 1;
      const did = hit._source?.oip?.did ?? hit._id ?? '';
      const soul = did.startsWith('did:gun:') ? did.slice('did:gun:'.length) : did;
      if (!listed.has(soul)) {
        result.orphans += 1;
        if (result.examples.length < 10) result.examples.push(did);
      }
    }
    if (hits.length < pageSize) break;
    after = hits[hits.length - 1]?.sort as (string | number)[] | undefined;
    if (!after) break;
  }
  if (result.orphans > 0) log.warn({ ...result }, 'indexed documents no registry lists any more');
  else log.info({ checked: result.checked }, 'reconciliation found no orphans');
  return result;
}
