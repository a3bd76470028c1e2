/** Every Redis key the pipeline's durable state uses, under the deployment's prefix. */
export function stateKeys(prefix: string) {
  const base = `${prefix}:state`;
  return {
    enqueued: `${base}:wm:enqueued`,
    indexed: `${base}:wm:indexed`,
    tombstones: `${base}:tombstones`,
    deadLetters: `${base}:dlq`,
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
    registryCounts: `${base}:registry-counts`,
    nodeId: `${base}:node-id`,
    scanMarks: `${base}:scan-marks`,
    /** The status page's time series: a stream trimmed to the last hour (API). */
    statusSeries: `${base}:status-series`,
  } as const;
}

export type StateKeys = ReturnType<typeof stateKeys>;
