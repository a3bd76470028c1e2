/** Every Redis key the pipeline's durable state uses, under the deployment's prefix. */
export function stateKeys(prefix: string) {
  const base = `${prefix}:state`;
  return {
    enqueued: `${base}:wm:enqueued`,
    /** soul → when it was last enqueued (ms): the oldest are rechecked. */
    enqueuedAt: `${base}:wm:enqueued-at`,
    /** Fingerprint of the sync policy the enqueued marks belong to. */
    syncPolicy: `${base}:wm:policy`,
    indexed: `${base}:wm:indexed`,
    tombstones: `${base}:tombstones`,
    /** Deletions started but not yet confirmed by Elasticsearch (they block older versions too). */
    tombstonesPending: `${base}:tombstones:pending`,
    deadLetters: `${base}:dlq`,
    /** soul → why the transform stage skipped it by policy (private records, foreign decrypt). */
    policySkips: `${base}:policy-skips`,
    deadLettersByTime: `${base}:dlq:by-time`,
    deadLettersFirst: `${base}:dlq:first`,
    deadLettersAttempts: `${base}:dlq:attempts`,
    /** soul → its current reason, and reason → how many souls have it: counts without a scan. */
    deadLettersReasonOf: `${base}:dlq:reason-of`,
    deadLettersReasonCounts: `${base}:dlq:reason-counts`,
    /** One sorted set (soul by last failure) per reason: `${deadLettersByReasonPrefix}<reason>`. */
    deadLettersByReasonPrefix: `${base}:dlq:by-reason:`,
    stats: `${base}:stats`,
    statsMinute: (minute: number) => `${base}:stats:m:${minute}`,
    cycles: `${base}:cycles`,
    /** Publish → indexed times (ms) of the last indexed records, newest first, trimmed. */
    freshness: `${base}:freshness`,
    registryCounts: `${base}:registry-counts`,
    nodeId: `${base}:node-id`,
    scanMarks: `${base}:scan-marks`,
    /** The last reconciliation's summary (JSON). */
    reconcile: `${base}:reconcile`,
    /** One reconciliation run's spill keys (`listed`, `deleted`), removed when the run ends. */
    reconcileRun: (runId: string, part: 'listed' | 'deleted') =>
      `${base}:reconcile:${runId}:${part}`,
    /** One scan's entries of one record type (newest per soul), removed when the type is done. */
    scanEntries: (scanId: string, recordType: string) => `${base}:scan:${scanId}:${recordType}`,
    /** The status page's time series: a stream trimmed to the last hour (API). */
    statusSeries: `${base}:status-series`,
  } as const;
}

export type StateKeys = ReturnType<typeof stateKeys>;
