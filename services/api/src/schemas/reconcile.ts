import { Type } from 'typebox';
import { Nullable } from './common.js';

const Count = Type.Integer({ minimum: 0 });
const RecordType = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });

export const ReconcileQuery = Type.Object(
  {
    type: Type.Optional(RecordType),
    deep: Type.Boolean({
      default: false,
      description: 'Read every indexed entry’s record from GUN to compare versions (slow)',
    }),
  },
  { additionalProperties: false },
);

export const ReconcileFixBody = Type.Object(
  {
    type: Type.Optional(RecordType),
    deep: Type.Boolean({ default: false }),
    deleteOrphans: Type.Boolean({
      default: false,
      description: 'Also enqueue delete jobs for orphaned documents (by default only reported)',
    }),
  },
  { additionalProperties: false },
);

const Sample = Type.Object({
  soul: Type.Optional(Type.String()),
  did: Type.Optional(Type.String()),
  recordType: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  indexedVersion: Type.Optional(Count),
  recordVersion: Type.Optional(Count),
  deletedAt: Type.Optional(Count),
});

const StateTally = Type.Object({
  count: Count,
  samples: Type.Array(Sample, { maxItems: 20 }),
  byReason: Type.Optional(Type.Record(Type.String(), Count)),
});

export const ReconcileReport = Type.Object(
  {
    type: Nullable(Type.String()),
    deep: Type.Boolean(),
    types: Type.Array(Type.String()),
    entries: Count,
    documents: Count,
    deletions: Count,
    counts: Type.Object({
      missing: StateTally,
      stale: StateTally,
      shouldBeDeleted: StateTally,
      orphaned: StateTally,
      deadLettered: StateTally,
      skipped: StateTally,
      queued: StateTally,
      unaccounted: StateTally,
    }),
    unchecked: Count,
    fixed: Nullable(Type.Object({ transform: Count, delete: Count })),
    durationMs: Count,
  },
  { description: 'Registry vs index: counts by state with up to 20 samples each (docs/api.md)' },
);
