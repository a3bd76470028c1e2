/**
 * A whole reconciliation that reads the registry itself (the CLI and the API; discovery feeds
 * its own scan into a session instead): every configured relay must answer, `type` must be a
 * record type the registry or the configuration knows, and every type is read whole (every v2
 * bucket plus the legacy index). Anything that cannot be read ends the run with a
 * ReconcileError: a report is complete or there is none.
 */
import type { GunRegistry, IndexEntry, ReadResult } from '@sync/gun-client';
import { ReconcileError, describeError } from './errors.js';
import {
  startReconcile,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileReport,
} from './session.js';

export interface RegistryReconcileDeps extends ReconcileDeps {
  gun: GunRegistry;
  /** @throws ReconcileError naming a configured relay that does not answer. */
  checkRelays: (signal?: AbortSignal) => Promise<void>;
}

/** One type's entries, every bucket and the legacy index; `unreadable` children counted. */
export async function readWholeType(
  gun: Pick<GunRegistry, 'readTypeIndex' | 'scanTypeIndex'>,
  recordType: string,
  signal?: AbortSignal,
): Promise<ReadResult<{ entries: IndexEntry[]; unreadable: number }>> {
  const options = signal ? { signal } : {};
  if (gun.scanTypeIndex) {
    const scan = await gun.scanTypeIndex(recordType, {
      ...options,
      since: null,
      mergeLegacy: true,
    });
    if (scan.status !== 'found') return scan;
    return {
      status: 'found',
      value: { entries: scan.value.entries, unreadable: scan.value.unreadable },
    };
  }
  const index = await gun.readTypeIndex(recordType, options);
  if (index.status !== 'found') return index;
  return { status: 'found', value: { entries: index.value, unreadable: 0 } };
}

/** Wraps what is not already a ReconcileError into one line naming the failing side. */
export function toReconcileError(err: unknown): ReconcileError {
  if (err instanceof ReconcileError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (
    typeof name === 'string' &&
    /^(ConnectionError|ResponseError|TimeoutError|NoLivingConnectionsError)$/.test(name)
  )
    return new ReconcileError(`Elasticsearch did not answer (${describeError(err)})`, err);
  return new ReconcileError(`reconciliation failed (${describeError(err)})`, err);
}

/** @throws ReconcileError (unknown type, a relay or Elasticsearch unreachable, a partial read). */
export async function reconcileRegistry(
  deps: RegistryReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const { signal } = options;
  await deps.checkRelays(signal);
  const known = await deps.gun.listRecordTypes(signal ? { signal } : {});
  if (options.type !== undefined && !known.includes(options.type))
    throw new ReconcileError(
      `unknown record type ${JSON.stringify(options.type)} (the registry and GUN_SYNC_RECORD_TYPES list ${known.length > 0 ? known.join(', ') : 'none'})`,
      undefined,
      'bad-input',
    );
  const types = options.type === undefined ? known : [options.type];
  let session;
  try {
    session = await startReconcile(deps, options);
  } catch (err) {
    throw toReconcileError(err);
  }
  try {
    for (const recordType of types) {
      const read = await readWholeType(deps.gun, recordType, signal);
      if (read.status === 'error')
        throw new ReconcileError(
          `the registry index of type ${recordType} could not be read (${describeError(read.error)})`,
          read.error,
        );
      const value = read.status === 'found' ? read.value : { entries: [], unreadable: 0 };
      if (value.unreadable > 0)
        throw new ReconcileError(
          `the registry index of type ${recordType} was read in part (${value.unreadable} entries did not answer)`,
        );
      await session.addType(recordType, value.entries);
    }
    return await session.finish();
  } catch (err) {
    await session.abort().catch(() => undefined);
    throw toReconcileError(err);
  }
}
