/** Summary tables of each command (human output). */
import {
  reconcileStates,
  type ReconcileReport,
  type ReconcileState,
  type Sample,
} from '@sync/discovery/reconcile';
import type { DeadLetterPage, RetryResult } from './dlq.js';
import type { RecordsSummary } from './migrate-records.js';
import type { UsersSummary } from './migrate-users.js';
import { formatDuration, formatTable, toCountRows, type Cell } from './output.js';
import type { RegistryDiff, RegistryStats } from './registry-commands.js';

export interface MigrateResult {
  nodeId: string;
  dryRun: boolean;
  records: RecordsSummary | null;
  users: UsersSummary | null;
  durationMs: number;
}

export function formatMigrate({
  nodeId,
  dryRun,
  records,
  users,
  durationMs,
}: MigrateResult): string {
  const rows: Cell[][] = [];
  if (records) {
    rows.push(['records scanned', records.scanned]);
    rows.push([dryRun ? 'records to register' : 'records registered', records.registered]);
    rows.push(['records already registered', records.alreadyRegistered]);
    for (const [reason, count] of toCountRows(records.invalid))
      rows.push([`records skipped: ${reason}`, count]);
    rows.push(['records failed', records.failed]);
  }
  if (users) {
    rows.push(['users scanned', users.scanned]);
    rows.push([dryRun ? 'users to publish' : 'users published', users.published]);
    rows.push(['users without a public key', users.invalid]);
    rows.push(['users failed', users.failed]);
  }
  const title = `migrate on node ${nodeId}${dryRun ? ' (dry run: nothing written)' : ''}, ${formatDuration(durationMs)}`;
  const parts = [title, formatTable(['', 'count'], rows)];
  if (records && Object.keys(records.byType).length > 0)
    parts.push(
      formatTable(
        [dryRun ? 'to register by type' : 'registered by type', 'count'],
        toCountRows(records.byType),
      ),
    );
  if (users && !users.indexFound)
    parts.push('users: the users index does not exist; no users published');
  const failures = [
    ...(records?.failures ?? []).map((f) => `  record ${f.soul}: ${f.error}`),
    ...(users?.failures ?? []).map((f) => `  user key ${f.keyHash}: ${f.error}`),
  ];
  if (failures.length > 0)
    parts.push(`failures (first ${failures.length}):\n${failures.join('\n')}`);
  return parts.join('\n\n');
}

export function formatStats(stats: RegistryStats): string {
  const parts = [
    `registry: ${stats.total} entries`,
    formatTable(['record type', 'entries'], toCountRows(stats.byType)),
    formatTable(['node id', 'entries'], toCountRows(stats.byNodeId)),
  ];
  if (stats.unreadable.length > 0)
    parts.push(
      `unreadable indexes:\n${stats.unreadable.map((u) => `  ${u.recordType}: ${u.error}`).join('\n')}`,
    );
  return parts.join('\n\n');
}

export function formatDiff(diff: RegistryDiff): string {
  const list = (souls: string[], count: number) =>
    count === 0
      ? ''
      : `\n${souls.map((s) => `  ${s}`).join('\n')}${count > souls.length ? `\n  … ${count - souls.length} more` : ''}`;
  const parts = [
    formatTable(
      ['', 'souls'],
      [
        ['in the registry', diff.registry],
        ['in Elasticsearch', diff.elasticsearch],
        ['missing in Elasticsearch', diff.missingInElasticsearch.count],
        ['missing in the registry', diff.missingInRegistry.count],
      ],
    ),
  ];
  if (diff.missingInElasticsearch.count > 0)
    parts.push(
      `missing in Elasticsearch:${list(diff.missingInElasticsearch.souls, diff.missingInElasticsearch.count)}`,
    );
  if (diff.missingInRegistry.count > 0)
    parts.push(
      `missing in the registry:${list(diff.missingInRegistry.souls, diff.missingInRegistry.count)}`,
    );
  if (diff.unreadable.length > 0)
    parts.push(
      `unreadable indexes:\n${diff.unreadable.map((u) => `  ${u.recordType}: ${u.error}`).join('\n')}`,
    );
  return parts.join('\n\n');
}

export function formatDeadLetters(page: DeadLetterPage): string {
  const rows = page.items.map((i): Cell[] => [
    i.soul,
    i.stage,
    i.reason,
    i.attempts,
    new Date(i.lastFailedAt).toISOString(),
  ]);
  const header = `dead letters: ${page.total} (showing ${page.offset + 1}–${page.offset + page.items.length})`;
  const reasons = toCountRows(page.byReason);
  return [
    page.items.length === 0 ? `dead letters: ${page.total}` : header,
    ...(rows.length > 0
      ? [formatTable(['soul', 'stage', 'reason', 'attempts', 'last failure'], rows)]
      : []),
    ...(reasons.length > 0 ? [formatTable(['reason', 'entries'], reasons)] : []),
  ].join('\n\n');
}

export function formatRetry(result: RetryResult): string {
  return `retry requested for ${result.requested} record${result.requested === 1 ? '' : 's'}`;
}

const stateLabels: Record<ReconcileState, string> = {
  missing: 'missing (not indexed, not dead-lettered, not skipped)',
  stale: 'stale (an older version indexed)',
  shouldBeDeleted: 'should be deleted',
  orphaned: 'orphaned (no registry lists it)',
  deadLettered: 'dead-lettered',
  skipped: 'skipped by policy',
  queued: 'missing, a job queued',
  unaccounted: 'unaccounted (missing, nothing queued)',
};

function formatSample(sample: Sample): string {
  const parts = [sample.soul ?? sample.did ?? ''];
  if (sample.recordType) parts.push(`type ${sample.recordType}`);
  if (sample.reason) parts.push(`reason ${sample.reason}`);
  if (sample.indexedVersion !== undefined) parts.push(`indexed ${sample.indexedVersion}`);
  if (sample.recordVersion !== undefined) parts.push(`record ${sample.recordVersion}`);
  if (sample.deletedAt !== undefined) parts.push(`deletedAt ${sample.deletedAt}`);
  return parts.join('  ');
}

export function formatReconcile(report: ReconcileReport): string {
  const rows: Cell[][] = reconcileStates.map((state) => [
    stateLabels[state],
    report.counts[state].count,
  ]);
  if (report.unchecked > 0) rows.push(['stale candidates not readable from GUN', report.unchecked]);
  const scope =
    report.type === null ? `${report.types.length} record types` : `type ${report.type}`;
  const title = `reconcile: ${scope}, ${report.entries} registry entries, ${report.documents} indexed gun documents, ${report.deletions} deletions${report.deep ? ' (deep)' : ''}, ${formatDuration(report.durationMs)}`;
  const parts = [title, formatTable(['state', 'count'], rows)];
  for (const state of reconcileStates) {
    const { samples, byReason, count } = report.counts[state];
    if (count === 0 || state === 'missing') continue;
    const reasons = byReason
      ? ` (${toCountRows(byReason)
          .map(([r, n]) => `${r} ${n}`)
          .join(', ')})`
      : '';
    parts.push(
      `${state}${reasons}, first ${samples.length} of ${count}:\n${samples.map((s) => `  ${formatSample(s)}`).join('\n')}`,
    );
  }
  if (report.fixed)
    parts.push(
      `fix: ${report.fixed.transform} transform jobs and ${report.fixed.delete} delete jobs enqueued`,
    );
  return parts.join('\n\n');
}
