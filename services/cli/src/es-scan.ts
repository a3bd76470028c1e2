/**
 * Pages through an Elasticsearch index with a point in time and search_after (sorted by
 * `_shard_doc`), so a scan sees one consistent snapshot and has no 10,000-hit cap. The point in
 * time is closed when the scan ends, however it ends.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

type QueryDslQueryContainer = estypes.QueryDslQueryContainer;

export interface ScanHit {
  id: string;
  source: Record<string, unknown>;
}

export interface ScanPage {
  hits: ScanHit[];
  /** Documents the query matches in the snapshot. */
  total: number;
}

export interface ScanOptions {
  index: string;
  query: QueryDslQueryContainer;
  batchSize: number;
  /** Fields of `_source` to fetch (nothing else leaves Elasticsearch). */
  fields: string[];
  /** Stop after this many hits. */
  limit?: number;
  keepAlive?: string;
}

/** Documents whose DID is a GUN DID (OIP queries `oip.did.keyword`; `oip.didTx` is a keyword). */
export function gunDocumentsQuery(recordType?: string): QueryDslQueryContainer {
  const did = {
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

/** True for Elasticsearch's "no such index" answer. */
export function isIndexMissing(err: unknown): boolean {
  const meta = (err as { meta?: { statusCode?: number; body?: { error?: { type?: string } } } })
    .meta;
  return meta?.statusCode === 404 && meta.body?.error?.type === 'index_not_found_exception';
}

export async function* scanIndex(es: Client, options: ScanOptions): AsyncGenerator<ScanPage> {
  const keepAlive = options.keepAlive ?? '2m';
  let pitId = (await es.openPointInTime({ index: options.index, keep_alive: keepAlive })).id;
  let searchAfter: estypes.SortResults | undefined;
  let seen = 0;
  let total = 0;
  try {
    for (;;) {
      const want =
        options.limit === undefined
          ? options.batchSize
          : Math.min(options.batchSize, options.limit - seen);
      if (want <= 0) return;
      const res = await es.search<Record<string, unknown>>({
        pit: { id: pitId, keep_alive: keepAlive },
        size: want,
        sort: [{ _shard_doc: 'asc' }],
        query: options.query,
        _source: options.fields,
        track_total_hits: searchAfter === undefined,
        ...(searchAfter === undefined ? {} : { search_after: searchAfter }),
      });
      if (res.pit_id) pitId = res.pit_id;
      const hits = res.hits.hits;
      if (searchAfter === undefined)
        total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      if (hits.length === 0) return;
      seen += hits.length;
      searchAfter = hits[hits.length - 1]?.sort;
      yield {
        hits: hits.map((h) => ({ id: h._id ?? '', source: h._source ?? {} })),
        total: options.limit === undefined ? total : Math.min(total, options.limit),
      };
      if (hits.length < want) return;
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}
