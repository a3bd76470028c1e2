/**
 * Job and deduplication ids. BullMQ ids may not contain ':' and must not be all digits; souls
 * contain ':' and arbitrary unicode, so they are hashed (sha256, 128 bits) behind a stage prefix.
 */
import { createHash } from 'node:crypto';

/** Stable 32-hex key of a soul (or DID); the same everywhere a per-record key is needed. */
export function soulKey(soul: string): string {
  return createHash('sha256').update(soul, 'utf8').digest('hex').slice(0, 32);
}

/** Deduplication id: one job per soul per stage is waiting at a time, and one active. */
export function dedupIdFor(stage: 'transform' | 'index' | 'delete', soul: string): string {
  return `${stage}-${soulKey(soul)}`;
}

/** Job id for a (soul, version) pair: replays of the same version are dropped while the job exists. */
export function jobIdFor(
  stage: 'transform' | 'index' | 'delete',
  soul: string,
  version: number,
): string {
  return `${stage}-${soulKey(soul)}-${version}`;
}
