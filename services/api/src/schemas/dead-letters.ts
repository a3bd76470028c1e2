import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });
const Soul = Type.String({ minLength: 1, maxLength: 1024, description: 'Record soul' });
const Reason = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'Failure reason, e.g. invalid-record, decrypt-failed',
});

export const DeadLetterQuery = Type.Object(
  {
    reason: Type.Optional(Reason),
    offset: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export type DeadLetterQuery = Static<typeof DeadLetterQuery>;

export const DeadLetterEntry = Type.Object({
  soul: Type.String(),
  did: Type.Optional(Type.String()),
  stage: Type.String({ description: 'discover, transform or index' }),
  version: Type.Optional(
    Type.Integer({ minimum: 0, description: 'The version that failed, where the stage knows it' }),
  ),
  reason: Type.String(),
  detail: Type.String({ description: 'What went wrong (never record content)' }),
  firstFailedAt: Type.String({ format: 'date-time' }),
  lastFailedAt: Type.String({ format: 'date-time' }),
  attempts: Count,
});

export const DeadLetterList = Type.Object({
  total: Count,
  offset: Count,
  limit: Count,
  byReason: Type.Record(Type.String(), Count),
  items: Type.Array(DeadLetterEntry),
});

export const RetryBody = Type.Object(
  { soul: Type.Optional(Soul), reason: Type.Optional(Reason) },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: 'Exactly one of: soul (retry one entry) or reason (retry every entry with it)',
  },
);
export type RetryBody = Static<typeof RetryBody>;

export const RetryAccepted = Type.Object({
  requested: Count,
  jobIds: Type.Array(Type.String(), { description: 'Discovery job ids (at most the first 100)' }),
});

export const DropQuery = Type.Object({ soul: Soul }, { additionalProperties: false });
export type DropQuery = Static<typeof DropQuery>;

export const Dropped = Type.Object({ soul: Type.String(), dropped: Type.Literal(true) });
