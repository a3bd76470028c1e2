/**
 * Reads per GUN peer, by answer: `sync_gun_reads_total{peer, result}` (found, not-found, error).
 * The relay HTTP API is read peer by peer, so each answer is counted against its relay; over
 * GUN's wire protocol the answers of all peers merge into one and are counted as peer="wire".
 * The peer label is the relay's base URL without credentials: a bounded set, from the config.
 */
import { Counter, type Registry } from 'prom-client';

export type PeerReadResult = 'found' | 'not-found' | 'error';

/** Told of every node read, with the peer that answered it. */
export type PeerReadObserver = (peer: string, result: PeerReadResult) => void;

/** A peer URL as a label: its origin and path, never user name or password. */
export function toPeerLabel(url: string): string {
  if (url === 'wire') return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'unparsable';
  }
}

export function createPeerReadMetrics(registry: Registry): { observe: PeerReadObserver } {
  const reads = new Counter({
    name: 'sync_gun_reads_total',
    help: 'GUN node reads by peer and answer (found, not-found, error); peer="wire" over the wire protocol',
    labelNames: ['peer', 'result'] as const,
    registers: [registry],
  });
  return {
    observe: (peer, result) => reads.inc({ peer: toPeerLabel(peer), result }),
  };
}
