/**
 * Every configured relay answers (GUN_PEERS and GUN_EXTERNAL_PEERS): a registry read over
 * several relays takes what the others answer, so one relay down would otherwise pass unseen
 * and its entries be reported as orphans, or not at all.
 */
import { ReconcileError, describeError } from './errors.js';

/** `ws://h:1/gun` → `http://h:1`, credentials dropped (the API's peer probe does the same). */
function originOf(peer: string): string {
  return new URL(peer.replace(/^ws/, 'http')).origin;
}

export function makeRelayCheck(
  peers: readonly string[],
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): (signal?: AbortSignal) => Promise<void> {
  return async (signal) => {
    if (peers.length === 0) throw new ReconcileError('no GUN relay is configured (GUN_PEERS)');
    await Promise.all(
      peers.map(async (peer) => {
        const origin = originOf(peer);
        const timeout = AbortSignal.timeout(timeoutMs);
        try {
          const res = await fetchImpl(origin, {
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          await res.body?.cancel();
        } catch (err) {
          throw new ReconcileError(
            `GUN relay ${origin} is unreachable (${describeError(err)})`,
            err,
          );
        }
      }),
    );
  };
}
