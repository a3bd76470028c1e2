/**
 * The records part of `migrate`: every did:gun: document of this node's index, checked, then
 * registered under this node's id unless this node already registered it. "Already
 * registered" = the type index lists the soul and this node's entry
 * `${root}:nodes:${nodeId}:${soul}` exists; a soul the index does not list is registered again
 * without reading its node entry (a registration writes the index field last).
 */
import type { Client } from '@elastic/elasticsearch';
import type { GunRegistry, Registration, RegistryWriter } from '@sync/gun-client';
import { gunDocumentsQuery, scanIndex } from './es-scan.js';
import { toErrorLine } from './output.js';
import type { Reporter } from './reporter.js';
import { registrationFields, toRegistration } from './to-registration.js';

export interface RecordsOptions {
  index: string;
  nodeId: string;
  dryRun: boolean;
  force: boolean;
  batchSize: number;
  concurrency: number;
  type?: string;
  limit?: number;
}

export interface RecordsDeps {
  es: Client;
  reader: Pick<GunRegistry, 'readTypeIndex'>;
  writer: Pick<RegistryWriter, 'register' | 'readNodeEntry'>;
  reporter: Reporter;
}

export interface RecordsSummary {
  scanned: number;
  /** Registered now, or (dry run) would be. */
  registered: number;
  alreadyRegistered: number;
  invalid: Record<string, number>;
  failed: number;
  /** The first failures: soul and reason (never record content). */
  failures: { soul: string; error: string }[];
  byType: Record<string, number>;
}

const maxListedFailures = 20;

/** Runs `fn` over `items` with at most `concurrency` in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function migrateRecords(
  deps: RecordsDeps,
  options: RecordsOptions,
): Promise<RecordsSummary> {
  const { es, reader, writer, reporter } = deps;
  const summary: RecordsSummary = {
    scanned: 0,
    registered: 0,
    alreadyRegistered: 0,
    invalid: {},
    failed: 0,
    failures: [],
    byType: {},
  };
  const indexed = new Map<string, Promise<Set<string> | null>>();
  const fail = (soul: string, err: unknown) => {
    summary.failed += 1;
    if (summary.failures.length < maxListedFailures)
      summary.failures.push({ soul, error: toErrorLine(err) });
  };

  /** Souls the type index lists; null when it could not be read (then every node entry is read). */
  const listed = (recordType: string) => {
    let souls = indexed.get(recordType);
    if (!souls) {
      souls = reader
        .readTypeIndex(recordType)
        .then((res) =>
          res.status === 'found'
            ? new Set(res.value.map((e) => e.soul))
            : res.status === 'not-found'
              ? new Set<string>()
              : null,
        );
      indexed.set(recordType, souls);
    }
    return souls;
  };

  async function isRegistered(entry: Registration): Promise<boolean> {
    const souls = await listed(entry.recordType);
    if (souls && !souls.has(entry.soul)) return false;
    const read = await writer.readNodeEntry(entry.nodeId, entry.soul);
    if (read.status === 'error') throw read.error;
    return read.status === 'found';
  }

  async function migrateOne(entry: Registration): Promise<void> {
    try {
      if (!options.force && (await isRegistered(entry))) {
        summary.alreadyRegistered += 1;
        return;
      }
      if (!options.dryRun) await writer.register(entry);
      summary.registered += 1;
      summary.byType[entry.recordType] = (summary.byType[entry.recordType] ?? 0) + 1;
    } catch (err) {
      fail(entry.soul, err);
    }
  }

  const label = options.dryRun ? 'records (dry run)' : 'records';
  let total: number | undefined;
  const pages = scanIndex(es, {
    index: options.index,
    query: gunDocumentsQuery(options.type),
    batchSize: options.batchSize,
    fields: registrationFields,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  for await (const page of pages) {
    total = page.total;
    const entries: Registration[] = [];
    for (const hit of page.hits) {
      const checked = toRegistration(hit.id, hit.source, options.nodeId);
      if (!checked.ok) summary.invalid[checked.reason] = (summary.invalid[checked.reason] ?? 0) + 1;
      else if (options.type === undefined || checked.registration.recordType === options.type)
        entries.push(checked.registration);
      else summary.invalid['other-type'] = (summary.invalid['other-type'] ?? 0) + 1;
    }
    await forEachLimited(entries, options.concurrency, migrateOne);
    summary.scanned += page.hits.length;
    reporter.progress(label, summary.scanned, total);
  }
  reporter.finish(label, summary.scanned, total ?? summary.scanned);
  return summary;
}
