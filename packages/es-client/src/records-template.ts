/**
 * The index template of the records index. docs/elasticsearch.md explains the same design for
 * operators; keep the two together.
 *
 * Why this mapping:
 * - `data` is one `flattened` field. A record's `data` is free-form and differs per record type
 *   and per publisher; with dynamic object mapping every new key is a new mapped field (OIP's
 *   5000-field limit is a symptom) and the first document to use a key decides its type for
 *   everyone (OIP's long→float `illegal_argument_exception`, and `mapper_parsing_exception` when
 *   a key is an object in one record and a string in another). `flattened` maps the whole object
 *   as a single field: no mapping updates at index time, so neither explosion nor conflicts;
 *   every leaf is indexed as a keyword, so `term`, `terms`, `prefix`, `wildcard`, `exists` and
 *   (lexicographic) `range` queries on `data.basic.name`-style paths keep working. Not possible
 *   on it: full-text (analysed) search and numeric ranges inside `data`.
 *   - `depth_limit: 64`: generous for real records (OIP nests 3–4 levels); anything deeper is
 *     rejected as a mapping error and dead-lettered instead of looping.
 *   - `ignore_above: 2048`: longer leaves (article bodies, data URLs) stay in `_source` but are
 *     not indexed. Besides saving space this keeps every term far below Lucene's 32766-byte
 *     limit, which would otherwise reject the whole document ("immense term").
 * - `oip` is mapped explicitly and `dynamic: false`: the header is defined by the protocol, so
 *   its fields are known; unknown ones are kept in `_source` without being indexed, and can
 *   never cause a conflict. Types follow OIP's `ensureIndexExists`, with keyword subfields
 *   where OIP's queries need them: `oip.did.keyword` (term and `prefix: did:gun:`),
 *   `oip.recordType` (text, plus `.keyword`), `oip.storage` (and `.keyword`), `oip.indexedAt`
 *   (date, so a malformed one is a rejection, not a silent string).
 * - `oip.sync` holds gun-sync's own bookkeeping (@sync/records `SyncBookkeeping`).
 * - The root is `dynamic: false` as well: documents carry only `data` and `oip`.
 * - `total_fields.limit` stays at 1000 (Elasticsearch's default, about 40 are used): the
 *   mapping cannot grow, so there is no reason to raise it.
 * - One primary shard (the index holds records, not logs), and replicas `0-1` so a single-node
 *   cluster is green and a larger one keeps a copy.
 */

/** Bumped whenever the mapping changes; stored in the mapping's `_meta`. */
export const RECORDS_MAPPING_VERSION = 1;

/** `_meta.managed_by` of indices whose mapping comes from this template. */
export const MANAGED_BY = 'gun-sync';

const keywordSub = { keyword: { type: 'keyword', ignore_above: 1024 } } as const;
/** What OIP's dynamic mapping gives a string (text + `.keyword`), with a longer `ignore_above`. */
const textWithKeyword = { type: 'text', fields: keywordSub } as const;
const keywordWithKeyword = { type: 'keyword', ignore_above: 1024, fields: keywordSub } as const;
const keyword = { type: 'keyword', ignore_above: 1024 } as const;

export function recordsMappings() {
  return {
    dynamic: false,
    _meta: { managed_by: MANAGED_BY, mapping_version: RECORDS_MAPPING_VERSION },
    properties: {
      data: { type: 'flattened', depth_limit: 64, ignore_above: 2048 },
      oip: {
        type: 'object',
        dynamic: false,
        properties: {
          did: keywordWithKeyword,
          didTx: keyword,
          recordType: textWithKeyword,
          storage: keywordWithKeyword,
          indexedAt: { type: 'date' },
          ver: textWithKeyword,
          signature: { type: 'text' },
          creator: {
            type: 'object',
            dynamic: false,
            properties: {
              creatorHandle: textWithKeyword,
              didAddress: textWithKeyword,
              didTx: textWithKeyword,
              publicKey: textWithKeyword,
            },
          },
          soul: keyword,
          encrypted: { type: 'boolean' },
          wasEncrypted: { type: 'boolean' },
          syncedFromNode: keyword,
          syncedAt: { type: 'date' },
          recordStatus: keyword,
          sync: {
            type: 'object',
            dynamic: false,
            properties: {
              soul: keyword,
              version: { type: 'long' },
              versionSource: keyword,
              syncedAt: { type: 'date' },
              sourceNodeId: keyword,
              signature: keyword,
            },
          },
        },
      },
    },
  } as const;
}

export function recordsSettings() {
  return {
    number_of_shards: 1,
    auto_expand_replicas: '0-1',
    'mapping.total_fields.limit': 1000,
  } as const;
}

/** Name of the template that serves `index`. */
export function recordsTemplateName(index: string): string {
  return `gun-sync-${index}`;
}

/**
 * The `PUT _index_template` body for `index`: patterns `<index>` and `<index>-*`, so a concrete
 * index of that name and the backing indices of an alias of that name (`records-v2`, …) get the
 * same mapping. The template declares no alias: an alias in a template would be added to every
 * matching index and leave the alias with several write targets. Priority grows with the name's
 * length: two deployments whose patterns overlap (`records`, `records-test`) always have
 * different lengths, so Elasticsearch never sees two overlapping templates of equal priority,
 * and the more specific one wins.
 */
export function recordsIndexTemplate(index: string) {
  return {
    name: recordsTemplateName(index),
    index_patterns: [index, `${index}-*`],
    priority: 100 + index.length,
    template: { settings: recordsSettings(), mappings: recordsMappings() },
    _meta: { managed_by: MANAGED_BY, mapping_version: RECORDS_MAPPING_VERSION },
  };
}
