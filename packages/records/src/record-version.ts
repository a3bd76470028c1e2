/**
 * The version of a record for last-writer-wins indexing (Elasticsearch external versioning):
 * milliseconds of `oip.indexedAt` (the publish time), else `meta.created`, else the registry
 * timestamp, else 0.
 */
import { ownValue } from './json.js';
import type { OipRecord } from './oip-record.js';

export type VersionSource = 'indexedAt' | 'created' | 'registry' | 'none';

function toMillis(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) ms = Number(value);
  else if (typeof value === 'string') ms = Date.parse(value);
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.trunc(ms) : undefined;
}

export function recordVersion(record: Pick<OipRecord, 'oip' | 'meta' | 'registry'>): {
  version: number;
  source: VersionSource;
} {
  const indexedAt = toMillis(ownValue(record.oip, 'indexedAt'));
  if (indexedAt !== undefined) return { version: indexedAt, source: 'indexedAt' };
  const created = toMillis(ownValue(record.meta, 'created'));
  if (created !== undefined) return { version: created, source: 'created' };
  const registered = toMillis(record.registry?.timestamp);
  if (registered !== undefined) return { version: registered, source: 'registry' };
  return { version: 0, source: 'none' };
}
