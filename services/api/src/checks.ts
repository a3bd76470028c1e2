/**
 * Readiness checks of the API's dependencies, each time-boxed; the probe route runs them in parallel.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';

export type DependencyCheck = (signal: AbortSignal) => Promise<void>;

export function redisCheck(redis: Redis): DependencyCheck {
  return async () => {
    await redis.ping();
  };
}

export function elasticsearchCheck(es: Client): DependencyCheck {
  return async (signal) => {
    await es.ping({}, { signal });
  };
}

/** A GUN peer is reachable when its HTTP origin answers at all (OIP's relay answers 404 JSON on /). */
export function gunPeersCheck(
  peers: readonly string[],
  fetchImpl: typeof fetch = fetch,
): DependencyCheck {
  return async (signal) => {
    if (peers.length === 0) throw new Error('no GUN peers configured');
    const origins = peers.map((peer) => new URL(peer.replace(/^ws/, 'http')).origin);
    await Promise.any(
      origins.map((origin) => fetchImpl(origin, { signal }).then((res) => res.body?.cancel())),
    );
  };
}

export type CheckResults = Record<string, { ok: boolean; error?: string }>;

export async function runChecks(
  checks: Record<string, DependencyCheck>,
  timeoutMs: number,
): Promise<CheckResults> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          check(signal),
          new Promise<never>((_, reject) =>
            signal.addEventListener(
              'abort',
              () => reject(new Error(`timed out after ${timeoutMs} ms`)),
              { once: true },
            ),
          ),
        ]);
        return [name, { ok: true }] as const;
      } catch (err) {
        const message =
          err instanceof AggregateError
            ? 'no peer answered'
            : err instanceof Error
              ? err.message
              : String(err);
        return [name, { ok: false, error: message }] as const;
      }
    }),
  );
  return Object.fromEntries(entries) as CheckResults;
}
