import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';
import { forceHandlePattern } from '../sync-control.js';

export const recordTypePattern = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
const Count = Type.Integer({ minimum: 0 });

export const ForceBody = Type.Object(
  {
    scope: Type.Union(
      [Type.Literal('all'), Type.Literal('type'), Type.Literal('soul'), Type.Literal('deletions')],
      {
        default: 'all',
        description:
          'all: every record type and the deletion registry; type: one record type; soul: one record; deletions: only the deletion registry',
      },
    ),
    recordType: Type.Optional(
      Type.String({
        pattern: recordTypePattern,
        description:
          'Required with scope=type; optional with scope=soul (the record type, when known)',
      }),
    ),
    soul: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'Required with scope=soul' }),
    ),
    ignoreWatermarks: Type.Boolean({
      default: false,
      description: 'Re-enqueue registry entries even when their watermark says they are unchanged',
    }),
  },
  { additionalProperties: false },
);
export type ForceBody = Static<typeof ForceBody>;

export const ForceAccepted = Type.Object({
  message: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  id: Type.String({ description: 'The handle: GET /api/health/gun-sync/force/{id}' }),
  deduplicated: Type.Boolean({
    description: 'True when an identical request was still pending and this is its handle',
  }),
  statusUrl: Type.String(),
});

export const ForceParams = Type.Object({
  id: Type.String({ pattern: forceHandlePattern, description: 'The handle from POST …/force' }),
});

const ScanProgress = Type.Object({
  discovered: Type.Optional(Count),
  enqueued: Type.Optional(Count),
  typesDone: Type.Optional(Count),
  typesTotal: Type.Optional(Count),
  currentType: Type.Optional(Type.String()),
});

const ScanResult = Type.Object({
  scope: Type.Optional(Type.String()),
  types: Type.Optional(Count),
  discovered: Type.Optional(Count),
  enqueued: Type.Optional(Count),
  skipped: Type.Optional(Type.Record(Type.String(), Count)),
  deletions: Type.Optional(
    Nullable(
      Type.Object({
        listed: Count,
        enqueued: Count,
        /** Parked with reason future-version or invalid-deletion. */
        rejected: Type.Optional(Count),
        /** Entry node not readable yet: tried again on the next scan. */
        pending: Type.Optional(Count),
        /** Tombstones cleared because the deletion was undone. */
        undeleted: Type.Optional(Count),
      }),
    ),
  ),
  errors: Type.Optional(Type.Array(Type.String())),
  durationMs: Type.Optional(Count),
});

export const ForceStatus = Type.Object({
  id: Type.String(),
  state: Type.Union([
    Type.Literal('waiting'),
    Type.Literal('prioritized'),
    Type.Literal('delayed'),
    Type.Literal('active'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('waiting-children'),
    Type.Literal('unknown'),
  ]),
  request: Type.Object({
    scope: Type.String(),
    recordType: Type.Optional(Type.String()),
    soul: Type.Optional(Type.String()),
    ignoreWatermarks: Type.Boolean(),
    requestedAt: Type.String({ format: 'date-time' }),
  }),
  attemptsMade: Count,
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  progress: Nullable(ScanProgress),
  result: Nullable(ScanResult),
  failedReason: Nullable(Type.String()),
});
