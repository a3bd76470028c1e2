import { describe, expect, it } from 'vitest';
import { createEntryChanges } from './entry-changes.js';

const entry = (soul: string, timestamp: number) => ({
  recordType: 'post',
  soul,
  nodeId: 'node-a',
  timestamp,
});

describe(createEntryChanges.name, () => {
  it('reports an entry once per change', () => {
    const changes = createEntryChanges(10);
    expect(changes.isNew(entry('a', 1))).toBe(true);
    expect(changes.isNew(entry('a', 1))).toBe(false);
    expect(changes.isNew(entry('a', 2))).toBe(true);
  });

  it('does not report a remembered baseline', () => {
    const changes = createEntryChanges(10);
    changes.remember(entry('a', 1));
    expect(changes.isNew(entry('a', 1))).toBe(false);
  });

  it('forgets the oldest entries beyond its bound', () => {
    const changes = createEntryChanges(2);
    changes.isNew(entry('a', 1));
    changes.isNew(entry('b', 1));
    changes.isNew(entry('c', 1));
    expect(changes.size).toBe(2);
    expect(changes.isNew(entry('a', 1))).toBe(true);
    expect(changes.isNew(entry('c', 1))).toBe(false);
  });
});
