import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import type { OipHeader } from './oip-record.js';
import { recordVersion } from './record-version.js';

const creator = { publicKey: 'k', didAddress: 'a' };
const at = (
  indexedAt: unknown,
  meta: JsonObject = {},
  registry?: { nodeId: string; timestamp?: number },
) => ({
  oip: {
    ver: '0.8.0',
    recordType: 'post',
    creator,
    ...(indexedAt === undefined ? {} : { indexedAt }),
  } as OipHeader,
  meta,
  registry,
});

describe(recordVersion.name, () => {
  it.each([
    [
      'oip.indexedAt (ISO)',
      at('2026-11-01T10:00:00.000Z', { created: 1 }),
      { version: Date.parse('2026-11-01T10:00:00.000Z'), source: 'indexedAt' },
    ],
    [
      'oip.indexedAt (milliseconds)',
      at(1_761_991_200_000.7),
      { version: 1_761_991_200_000, source: 'indexedAt' },
    ],
    [
      'meta.created when indexedAt is not a date',
      at('soon', { created: 1_761_991_200_000 }),
      { version: 1_761_991_200_000, source: 'created' },
    ],
    [
      'meta.created as a digit string',
      at(undefined, { created: '1761991200000' }),
      { version: 1_761_991_200_000, source: 'created' },
    ],
    [
      'the registry timestamp last',
      at(undefined, { created: -5 }, { nodeId: 'n', timestamp: 42 }),
      { version: 42, source: 'registry' },
    ],
    [
      '0 when nothing dates the record',
      at(undefined, {}, { nodeId: 'n' }),
      { version: 0, source: 'none' },
    ],
    ['0 for a date before 1970', at('1969-01-01T00:00:00.000Z'), { version: 0, source: 'none' }],
  ])('uses %s', (_name, record, expected) => {
    expect(recordVersion(record)).toEqual(expected);
  });
});
