/**
 * OIP-behaviour mode of the relay API, for benchmarks and tests that must meet what OIP's own
 * relay does to a reader (spec §1.3, §4), while the default stays fast:
 *
 * - `notFoundWaitMs`: a soul the relay does not have is answered 404 only this long after the
 *   request arrived (OIP: 3,000 ms, from its `.on()` timer); found souls answer at once.
 * - `resolveLinks: false`: links are always returned as `{"#": soul}`; `?resolve=1` is ignored,
 *   as OIP's relay ignores it (index entries come back as unresolved links since 2025-11-19).
 *
 * Nothing else changes: the wait holds only the 404, and a shutdown ends it at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface OipBehaviour {
  /** Earliest a 404 is answered, in ms after the request arrived; 0 = when the read settles. */
  notFoundWaitMs: number;
  /** Whether `?resolve=1` replaces links by the nodes they point to (not in OIP's relay). */
  resolveLinks: boolean;
}

/** The relay's own behaviour: a 404 as soon as the read settles, `?resolve=1` honoured. */
export const fastBehaviour: OipBehaviour = { notFoundWaitMs: 0, resolveLinks: true };

/** OIP's relay as the spec measured it (§1.3: 3003–3006 ms per not-found). */
export const oipRelayBehaviour: OipBehaviour = { notFoundWaitMs: 3000, resolveLinks: false };

/**
 * Waits until `notFoundWaitMs` have passed since `receivedAt` (a `performance.now()` time);
 * returns early when `signal` aborts (the relay is shutting down).
 */
export async function holdNotFound(
  behaviour: OipBehaviour,
  receivedAt: number,
  signal?: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<void> {
  const left = behaviour.notFoundWaitMs - (now() - receivedAt);
  if (left <= 0 || signal?.aborted) return;
  await sleep(left, undefined, signal ? { signal } : {}).catch(() => undefined);
}
