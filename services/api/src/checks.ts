/**
 * Readiness checks of the API's dependencies, each time-boxed; the probe route runs them in
 * parallel. Also the per-peer reachability the health route reports.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';

export type DependencyCheck = (signal: AbortSignal) => Promise<void>;

export function redisCheck(redis: Pick<Redis, 'ping'>): DependencyCheck {
  return async () => {
    await redis.ping();
  };
}

/**
 * Elasticsearch answers cluster health and the cluster is not red. (`HEAD /` would be lighter,
 * but a node without the rest-root module, like the local test distribution, answers it 405.)
 */
export function elasticsearchCheck(es: Client): DependencyCheck {
  return async (signal) => {
    const health = await es.cluster.health({}, { signal });
    if (health.status === 'red') throw new Error('cluster status is red');
  };
}

/** The HTTP origin behind a peer URL (`ws://h:1/gun` → `http://h:1`); credentials are dropped. */
export function peerOrigin(peer: string): string {
  return new URL(peer.replace(/^ws/, 'http')).origin;
}

/** A peer URL safe to show: without user name and password. */
export function displayPeer(peer: string): string {
  const url = new URL(peer);
  url.username = '';
  url.password = '';
  return url.toString();
}

/** A GUN peer is reachable when its HTTP origin answers at all (OIP's relay answers 404 JSON on /). */
async function reach(peer: string, signal: AbortSignal, fetchImpl: typeof fetch): Promise<void> {
  const res = await fetchImpl(peerOrigin(peer), { signal });
  await res.body?.cancel();
}

export function gunPeersCheck(
  peers: readonly string[],
  fetchImpl: typeof fetch = fetch,
): DependencyCheck {
  return async (signal) => {
    if (peers.length === 0) throw new Error('no GUN peers configured');
    await Promise.any(peers.map((peer) => reach(peer, signal, fetchImpl)));
  };
}

export interface PeerStatus {
  url: string;
  kind: 'local' | 'external';
  reachable: boolean;
  latencyMs?: number;
  error?: string;
}

export type PeerProbe = () => Promise<PeerStatus[]>;

/** Probes every configured peer in parallel, each within `timeoutMs`. */
export function createPeerProbe(
  peers: { local: readonly string[]; external: readonly string[] },
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
  clock: () => number = () => performance.now(),
): PeerProbe {
  const all = [
    ...peers.local.map((url) => ({ url, kind: 'local' as const })),
    ...peers.external.map((url) => ({ url, kind: 'external' as const })),
  ];
  return () =>
    Promise.all(
      all.map(async ({ url, kind }): Promise<PeerStatus> => {
        const started = clock();
        const result = await runCheck((signal) => reach(url, signal, fetchImpl), timeoutMs);
        const shown = { url: displayPeer(url), kind };
        return result.ok
          ? { ...shown, reachable: true, latencyMs: Math.round(clock() - started) }
          : { ...shown, reachable: false, error: result.error ?? 'unreachable' };
      }),
    );
}

export type CheckResult = { ok: boolean; error?: string };
export type CheckResults = Record<string, CheckResult>;

function describeError(err: unknown): string {
  if (err instanceof AggregateError) return 'no peer answered';
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message ? `: ${err.cause.message}` : '';
    const code = (err as { code?: unknown }).code;
    return `${err.message || (typeof code === 'string' ? code : err.name)}${cause}`;
  }
  return String(err);
}

/** Runs one check; a check that does not settle within `timeoutMs` fails. */
export async function runCheck(check: DependencyCheck, timeoutMs: number): Promise<CheckResult> {
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
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      error: signal.aborted ? `timed out after ${timeoutMs} ms` : describeError(err),
    };
  }
}

export async function runChecks(
  checks: Record<string, DependencyCheck>,
  timeoutMs: number,
): Promise<CheckResults> {
  const entries = await Promise.all(
    Object.entries(checks).map(
      async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const,
    ),
  );
  return Object.fromEntries(entries);
}
