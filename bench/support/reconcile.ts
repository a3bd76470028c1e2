import type { ReconcileReport } from '../../services/discovery/src/reconcile/index.js';
import { runCli } from '../../services/cli/src/run.js';
import type { BackfillRun } from '../../test/support/backfill-run.js';

/** What a benchmark keeps of `gun-sync reconcile --json`: counts by state and the totals. */
export interface ReconcileSummary {
  counts: Record<string, number>;
  entries: number;
  documents: number;
  ms: number;
}

/** `gun-sync reconcile --json` with a run's settings, straight to Elasticsearch. */
export async function reconcileRun(
  run: BackfillRun,
  elasticsearchUrl: string,
): Promise<ReconcileSummary> {
  let stdout = '';
  let stderr = '';
  const started = Date.now();
  const code = await runCli(['reconcile', '--json'], {
    env: { ...run.env, ELASTICSEARCH_URL: elasticsearchUrl, LOG_LEVEL: 'warn' },
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    },
  });
  if (code !== 0) throw new Error(`reconcile exited ${code}: ${stderr.trim()}`);
  const report = JSON.parse(stdout) as ReconcileReport;
  return {
    counts: Object.fromEntries(Object.entries(report.counts).map(([s, t]) => [s, t.count])),
    entries: report.entries,
    documents: report.documents,
    ms: Date.now() - started,
  };
}
