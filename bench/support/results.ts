/** Shapes of the result files that more than one script reads or writes. */

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
