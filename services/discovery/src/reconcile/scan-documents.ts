/**
 * Pages through the index's gun documents (DID `did:gun:…`) with a point in time and
 * search_after, so a run sees one snapshot with no 10,000-hit cap; each page carries the
 * documents' DIDs, souls and versions, nothing of their content. The point in time is closed
 * however the scan ends.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { soulOfDid } from '../deletions.js';

export interface IndexedDocument {
  did: string;
  soul: string;
  version: number;
}

/** did:gun: documents, of one record type when given (the CLI's `gunDocumentsQuery`). */
export function gunDocumentsQuery(recordType?: string): estypes.QueryDslQueryContainer {
  const did: estypes.QueryDslQueryContainer = {
    bool: {
      should: [
        { prefix: { 'oip.did.keyword': 'did:gun:' } },
        { prefix: { 'oip.did': 'did:gun:' } },
        { prefix: { 'oip.didTx': 'did:gun:' } },
      ],
      minimum_should_match: 1,
    },
  };
  if (recordType === undefined) return did;
  return {
    bool: {
      filter: [did, { match: { 'oip.recordType': { query: recordType, operator: 'and' } } }],
    },
  };
}

export async function* scanGunDocuments(
  es: Client,
  { index, pageSize, type }: { index: string; pageSize: number; type?: string },
): AsyncGenerator<IndexedDocument[]> {
  const keepAlive = '2m';
  let pitId = (await es.openPointInTime({ index, keep_alive: keepAlive })).id;
  let searchAfter: estypes.SortResults | undefined;
  try {
    for (;;) {
      const res = await es.search<{ oip?: { did?: unknown } }>({
        pit: { id: pitId, keep_alive: keepAlive },
        size: pageSize,
        sort: [{ _shard_doc: 'asc' }],
        query: gunDocumentsQuery(type),
        _source: ['oip.did'],
        version: true,
        track_total_hits: false,
        ...(searchAfter === undefined ? {} : { search_after: searchAfter }),
      });
      if (res.pit_id) pitId = res.pit_id;
      const hits = res.hits.hits;
      if (hits.length === 0) return;
      searchAfter = hits[hits.length - 1]?.sort;
      const page: IndexedDocument[] = [];
      for (const hit of hits) {
        const raw = hit._source?.oip?.did;
        const did = typeof raw === 'string' && raw.startsWith('did:gun:') ? raw : (hit._id ?? '');
        const soul = soulOfDid(did);
        if (soul !== undefined && typeof hit._version === 'number')
          page.push({ did, soul, version: hit._version });
      }
      yield page;
      if (hits.length < pageSize) return;
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}
