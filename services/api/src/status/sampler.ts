/**
 * Records the status page's samples while nobody looks: one read every `everyMs`, never two at
 * once, stopped by close() (which waits for the read in progress). A failed read (Redis away) is
 * logged once per failure streak and retried at the next step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@sync/logging';

export function startStatusSampler(
  sample: () => Promise<unknown>,
  everyMs: number,
  log: Logger,
): { close(): Promise<void> } {
  const stop = new AbortController();
  const loop = (async () => {
    let failing = false;
    while (!stop.signal.aborted) {
      try {
        await sample();
        failing = false;
      } catch (err) {
        if (!failing) log.warn({ err }, 'status sample failed');
        failing = true;
      }
      await sleep(everyMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();
  return {
    async close() {
      stop.abort();
      await loop;
    },
  };
}
