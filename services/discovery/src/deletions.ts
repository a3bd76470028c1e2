/**
 * The deletion registry yields delete jobs for DIDs this node has not tombstoned yet. The
 * delete's version is the time it was seen (OIP's index carries no time), which beats every
 * version published before it.
 */
import type { GunRegistry } from '@sync/gun-client';
import { JobName, jobIdFor, type Producer } from '@sync/queues';
import type { Tombstones } from '@sync/state';
import { isValidDeletion } from './entry-check.js';

export interface DeletionDeps {
  gun: Pick<GunRegistry, 'readDeleted'>;
  index: Producer<'sync.index'>;
  tombstones: Tombstones;
  chunkSize: number;
  now: () => Date;
}

export type DeletionScan =
  | {
      status: 'ok';
      listed: number;
      enqueued: number;
      /** DIDs no delete job can carry (too long): skipped. */
      invalid: number;
    }
  | { status: 'error'; message: string };

export function soulOfDid(did: string): string | undefined {
  return did.startsWith('did:gun:') && did.length > 'did:gun:'.length
    ? did.slice('did:gun:'.length)
    : undefined;
}

export async function scanDeletions(
  deps: DeletionDeps,
  options: { signal?: AbortSignal } = {},
): Promise<DeletionScan> {
  const result = await deps.gun.readDeleted(options);
  if (result.status === 'error') return { status: 'error', message: result.error.message };
  const listed =
    result.status === 'found'
      ? [...new Set(result.value)].filter((did) => soulOfDid(did) !== undefined)
      : [];
  const dids = listed.filter((did) => isValidDeletion(did, soulOfDid(did) ?? did));
  const marks = await deps.tombstones.getMany(dids);
  const fresh = dids.filter((_, i) => marks[i] === undefined);
  const version = deps.now().getTime();
  for (let i = 0; i < fresh.length; i += deps.chunkSize) {
    await deps.index.addBulk(
      fresh.slice(i, i + deps.chunkSize).map((did) => {
        const soul = soulOfDid(did) ?? did;
        return {
          name: JobName.deleteDocument,
          data: { did, soul, version },
          opts: { jobId: jobIdFor('delete', soul, version) },
        };
      }),
    );
  }
  return {
    status: 'ok',
    listed: listed.length,
    enqueued: fresh.length,
    invalid: listed.length - dids.length,
  };
}
