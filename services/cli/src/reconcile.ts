/**
 * `reconcile`: the registry (every configured relay, both layouts, the deletion registry)
 * against this node's index, with counts and samples by state; `--fix` enqueues the jobs that
 * heal them. A run that cannot complete is one line and exit 1, never a partial report.
 */
import { createReconciler, type ReconcileReport } from '@sync/discovery/reconcile';
import type { ReconcileCommand } from './args.js';
import { log } from './clients.js';
import type { CliConfig } from './config.js';
import { formatReconcile } from './print.js';
import type { Reporter } from './reporter.js';

export async function runReconcile(
  command: ReconcileCommand,
  config: CliConfig,
  reporter: Reporter,
): Promise<number> {
  const reconciler = await createReconciler(
    {
      redis: config.redis,
      elasticsearch: config.elasticsearch,
      gun: config.gun,
      sync: config.sync,
    },
    log,
  );
  let report: ReconcileReport;
  try {
    reporter.progress('reconcile', 0);
    report = await reconciler.run({
      ...(command.type === undefined ? {} : { type: command.type }),
      fix: command.fix,
      deleteOrphans: command.deleteOrphans,
      deep: command.deep,
    });
    reporter.finish('reconcile', report.entries + report.documents);
  } finally {
    await reconciler.close();
  }
  reporter.json({ command: 'reconcile', ...report });
  reporter.line(formatReconcile(report));
  return 0;
}
