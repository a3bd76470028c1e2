/** Shapes of the result files that more than one script reads or writes. */
import type { ReconcileSummary } from './reconcile.js';

/** One mode of bench/relay-graph.ts (written by it, read by bench/report.ts). */
export interface RelayGraphMode {
  mode: 'keep' | 'evict';
  afterSeed: { rssMiB: number; heapMiB: number; graphSouls: number };
  afterEmptying?: { rssMiB: number; heapMiB: number };
  afterReads: { rssMiB: number; heapMiB: number; graphSouls: number };
  served: number;
  notServed: number;
  readMs: number;
  peakRssMiB: number;
}

/** One read-back pass of bench:relay-store. */
export interface RelayStorePass {
  /** Records with every field of every node served. */
  complete: number;
  /** Records with a node or field missing. */
  incomplete: number;
  /** Records not served at all. */
  missing: number;
  /** Fields of the registry type index served (one per record when whole). */
  indexFields: number;
  nodesRead: number;
  readMs: number;
  getsPerSecond: number;
  /** The relay process's peak RSS (VmHWM) at the end of the pass. */
  peakRssMiB: number;
  /** V8 heap in use at the end of the pass, garbage included (absent in older results). */
  heapUsedMiB?: number;
  /** Why the type index was not served (HTTP status and error code), when it was not. */
  indexError?: string;
}

export interface RelayStoreRun {
  store: 'radisk' | 'sqlite';
  /** Records seeded into this store (absent in older results: the run's `records`). */
  records?: number;
  seedMs: number;
  putsPerSecond: number;
  unacknowledgedBatches: number;
  seedPeakRssMiB: number;
  /** The relay's V8 settings (its package.json's nodeOptions; absent in older results). */
  nodeOptions?: string | null;
  /** The relay's event-loop delay while seeding (absent in older results). */
  seedEventLoopLag?: { maxMs: number; p99Ms: number };
  /** sqlite's commits while seeding: each is one fsync on the relay's event loop. */
  seedCommits?: { commits: number; fieldsPerCommit: number; meanMs: number; maxMs: number };
  afterSeeding: RelayStorePass;
  afterRestart: RelayStorePass;
  diskMiB: number;
}

/** One scenario of bench/faults.ts (written by it, read by bench/report.ts). */
export interface FaultOutcome {
  scenario: 'sigkill' | 'es' | 'redis';
  /** The SIGKILL plan as carried out, or the outage: counts at the cut, mid-outage and its end. */
  fault: Record<string, unknown>;
  /** Backfill start → every record indexed. */
  completeMs: number;
  /** The fault's end (restore, last restart) → every record indexed. */
  recoveredMs: number;
  indexed: number;
  /** The index against the published set. */
  exact: { missing: number; unexpected: number; version: number };
  /** `gun-sync reconcile --json` at the end: counts by state. */
  reconcile: ReconcileSummary;
  workersAlive: boolean;
  loadAtEnd: number[];
}
