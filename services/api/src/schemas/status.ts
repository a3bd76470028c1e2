import { Type } from 'typebox';
import { Nullable } from './common.js';
import { HealthReport } from './health.js';

const Count = Type.Integer({ minimum: 0 });

export const StatusSampleSchema = Type.Object({
  t: Count,
  transform: Count,
  index: Count,
  lagMs: Count,
  discovered: Count,
  synced: Count,
  deleted: Count,
  errors: Count,
  deadLetters: Count,
});

/** GET /api/status: what the status page draws. */
export const StatusReport = Type.Object(
  {
    report: HealthReport,
    scans: Type.Array(
      Type.Object({
        startedAt: Type.String({ format: 'date-time' }),
        endedAt: Type.String({ format: 'date-time' }),
        discovered: Count,
        enqueued: Count,
        errors: Count,
      }),
      { description: 'The last full scans, newest first (up to 10)' },
    ),
    reconciliation: Nullable(
      Type.Object(
        { checked: Count, orphans: Count },
        { description: 'The last reconciliation of the index with the registry' },
      ),
    ),
    freshness: Type.Object(
      {
        samples: Count,
        p50Ms: Nullable(Count),
        p95Ms: Nullable(Count),
        maxMs: Nullable(Count),
      },
      {
        description:
          'Publish → indexed time (registry version to written) of the last indexed records (up to 500, kept in Redis); null while none',
      },
    ),
    series: Type.Object({
      stepMs: Count,
      samples: Type.Array(StatusSampleSchema, { description: 'The last hour, oldest first' }),
    }),
  },
  { description: 'The health report plus scans, reconciliation and the last hour of samples' },
);
