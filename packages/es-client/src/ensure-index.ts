/**
 * Start-up step of every writer: installs (or updates) the records index template and creates
 * the index when neither an index nor an alias of that name exists. An existing index is never
 * changed: when its mapping is not ours (OIP's own `records`, with `data: nested`), this logs a
 * warning and carries on, since OIP nodes already run that way; see docs/elasticsearch.md for
 * the migration to our mapping behind an alias.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '@sync/logging';
import { classifyEsError, toEsError } from './classify-es-error.js';
import { MANAGED_BY, RECORDS_MAPPING_VERSION, recordsIndexTemplate } from './records-template.js';

export interface EnsureIndexOptions {
  /** ELASTICSEARCH_INDEX: a concrete index or an alias. */
  index: string;
  log: Logger;
}

export interface ConcreteIndexState {
  name: string;
  /** True when the mapping was installed by gun-sync's template. */
  managed: boolean;
  mappingVersion?: number;
  /** The type `data` is mapped as (`flattened` for ours, `nested` for OIP's). */
  dataType?: string;
}

export interface EnsureIndexResult {
  template: string;
  created: boolean;
  indices: ConcreteIndexState[];
}

function isAlreadyExists(err: unknown): boolean {
  const c = classifyEsError(err);
  return c.type === 'resource_already_exists_exception';
}

function describe(
  name: string,
  mapping: { _meta?: Record<string, unknown>; properties?: Record<string, { type?: string }> },
): ConcreteIndexState {
  const meta = mapping._meta ?? {};
  const state: ConcreteIndexState = { name, managed: meta.managed_by === MANAGED_BY };
  if (typeof meta.mapping_version === 'number') state.mappingVersion = meta.mapping_version;
  const dataType =
    mapping.properties?.data?.type ?? (mapping.properties?.data ? 'object' : undefined);
  if (dataType) state.dataType = dataType;
  return state;
}

/**
 * Idempotent and safe to run from several replicas at once.
 * @throws EsError when Elasticsearch cannot be reached or refuses the template.
 */
export async function ensureIndex(
  client: Client,
  { index, log }: EnsureIndexOptions,
): Promise<EnsureIndexResult> {
  const template = recordsIndexTemplate(index);
  try {
    await client.indices.putIndexTemplate({ ...template, version: RECORDS_MAPPING_VERSION });
    let created = false;
    // `exists` is true for an alias as well: then the alias's indices are used as they are.
    if (!(await client.indices.exists({ index }))) {
      try {
        await client.indices.create({ index });
        created = true;
        log.info({ index }, 'index created from the template');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    const mappings = await client.indices.getMapping({ index });
    const indices = Object.entries(mappings).map(([name, record]) =>
      describe(name, record.mappings as Parameters<typeof describe>[1]),
    );
    for (const state of indices) {
      if (!state.managed) {
        log.warn(
          { index, concreteIndex: state.name, dataType: state.dataType ?? 'unmapped' },
          'index has a mapping gun-sync did not install; documents may be rejected (see docs/elasticsearch.md)',
        );
      } else if (state.mappingVersion !== RECORDS_MAPPING_VERSION) {
        log.warn(
          {
            index,
            concreteIndex: state.name,
            mappingVersion: state.mappingVersion,
            expected: RECORDS_MAPPING_VERSION,
          },
          'index mapping version differs from this release',
        );
      }
    }
    log.info(
      { index, template: template.name, indices: indices.map((i) => i.name) },
      'records index ready',
    );
    return { template: template.name, created, indices };
  } catch (err) {
    throw toEsError(classifyEsError(err), err);
  }
}
