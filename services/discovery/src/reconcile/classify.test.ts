import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '@sync/gun-client';
import {
  classifyDocument,
  classifyEntry,
  createTally,
  isStale,
  toStateCounts,
  type EntryFacts,
} from './classify.js';

const entry = (timestamp: number | null): IndexEntry => ({
  soul: 'abc:1',
  recordType: 'post',
  nodeId: 'node-a',
  timestamp,
});

const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  entry: entry(1_000),
  skipReason: null,
  indexed: undefined,
  deletedAt: undefined,
  deep: false,
  ...over,
});

describe(classifyEntry.name, () => {
  it.each([
    [
      'a skipped entry, whatever else is true',
      facts({ skipReason: 'own', indexed: { version: 1, syncedAt: 1 } }),
      { state: 'skipped', reason: 'own' },
    ],
    ['an entry registered before its deletion', facts({ deletedAt: 1_000 }), { state: 'deleted' }],
    [
      'an entry registered after its deletion (a republish) and not indexed',
      facts({ deletedAt: 999 }),
      { state: 'absent' },
    ],
    ['an entry not indexed', facts(), { state: 'absent' }],
    [
      'an entry synced after it was registered',
      facts({ indexed: { version: 5, syncedAt: 2_000 } }),
      { state: 'indexed' },
    ],
    [
      'an entry registered after it was synced',
      facts({ indexed: { version: 5, syncedAt: 500 } }),
      { state: 'candidate' },
    ],
    [
      'a document without a sync time',
      facts({ indexed: { version: 5, syncedAt: null } }),
      { state: 'candidate' },
    ],
    [
      'an entry without a registration time',
      facts({ entry: entry(null), indexed: { version: 5, syncedAt: 500 } }),
      { state: 'indexed' },
    ],
    [
      'any indexed entry on a deep run',
      facts({ deep: true, indexed: { version: 5, syncedAt: 2_000 } }),
      { state: 'candidate' },
    ],
  ])('%s', (_, input, verdict) => {
    expect(classifyEntry(input)).toEqual(verdict);
  });
});

describe(isStale.name, () => {
  it('is stale only when the record is newer and within the version cap', () => {
    expect(isStale(10, 5, 100)).toBe(true);
    expect(isStale(5, 5, 100)).toBe(false);
    expect(isStale(4, 5, 100)).toBe(false);
    expect(isStale(101, 5, 100)).toBe(false);
  });
});

describe(classifyDocument.name, () => {
  it.each([
    ['listed, no deletion', { version: 5, registeredAt: 1, deletedAt: undefined }, 'ok'],
    [
      'listed without a registration time',
      { version: 5, registeredAt: null, deletedAt: undefined },
      'ok',
    ],
    [
      'not listed, no deletion',
      { version: 5, registeredAt: undefined, deletedAt: undefined },
      'orphaned',
    ],
    [
      'deleted at or after its version',
      { version: 5, registeredAt: 1, deletedAt: 5 },
      'shouldBeDeleted',
    ],
    [
      'deleted and not listed any more',
      { version: 5, registeredAt: undefined, deletedAt: 9 },
      'shouldBeDeleted',
    ],
    ['a version newer than the deletion', { version: 10, registeredAt: 1, deletedAt: 9 }, 'ok'],
    ['re-registered after the deletion', { version: 5, registeredAt: 20, deletedAt: 9 }, 'ok'],
  ] as const)('%s', (_, input, verdict) => {
    expect(classifyDocument(input)).toBe(verdict);
  });
});

describe(createTally.name, () => {
  it('counts every item, keeps at most the sample limit and counts reasons', () => {
    const tally = createTally(2);
    for (let i = 0; i < 5; i++)
      tally.add('skipped', { soul: `s${i}` }, i % 2 ? 'own' : 'untrusted');
    tally.add('missing', { soul: 'm' });
    const counts = tally.counts();
    expect(counts.skipped).toEqual({
      count: 5,
      samples: [{ soul: 's0' }, { soul: 's1' }],
      byReason: { untrusted: 3, own: 2 },
    });
    expect(toStateCounts(counts)).toEqual({
      missing: 1,
      stale: 0,
      shouldBeDeleted: 0,
      orphaned: 0,
      deadLettered: 0,
      skipped: 5,
      queued: 0,
      unaccounted: 0,
    });
  });
});
