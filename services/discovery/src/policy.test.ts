import { describe, expect, it } from 'vitest';
import {
  decideEntry,
  toPolicyFingerprint,
  typeAllowed,
  typesToScan,
  type SyncPolicy,
} from './policy.js';

const policy = (over: Partial<SyncPolicy> = {}): SyncPolicy => ({
  selfNodeId: 'node-b',
  trustedNodes: [],
  typeFilter: { mode: 'all', whitelist: [], blacklist: [] },
  ...over,
});

describe(decideEntry.name, () => {
  it('skips this node’s own registrations', () => {
    expect(decideEntry({ nodeId: 'node-b', recordType: 'post' }, policy())).toBe('own');
  });

  it('trusts everyone when no trusted nodes are configured, including entries without a node id', () => {
    expect(decideEntry({ nodeId: 'node-a', recordType: 'post' }, policy())).toBe('accept');
    expect(decideEntry({ nodeId: null, recordType: 'post' }, policy())).toBe('accept');
  });

  it('skips untrusted and unknown nodes when a trusted list is set', () => {
    const p = policy({ trustedNodes: ['node-a'] });
    expect(decideEntry({ nodeId: 'node-a', recordType: 'post' }, p)).toBe('accept');
    expect(decideEntry({ nodeId: 'node-x', recordType: 'post' }, p)).toBe('untrusted');
    expect(decideEntry({ nodeId: null, recordType: 'post' }, p)).toBe('untrusted');
  });

  it('applies the record type filter last', () => {
    const p = policy({ typeFilter: { mode: 'blacklist', whitelist: [], blacklist: ['notes'] } });
    expect(decideEntry({ nodeId: 'node-a', recordType: 'notes' }, p)).toBe('type-filtered');
    expect(decideEntry({ nodeId: 'node-b', recordType: 'notes' }, p)).toBe('own');
  });
});

describe(typeAllowed.name, () => {
  it.each([
    ['all', 'post', true],
    ['whitelist', 'post', true],
    ['whitelist', 'image', false],
    ['blacklist', 'post', false],
    ['blacklist', 'image', true],
  ] as const)('mode %s, type %s → %s', (mode, type, expected) => {
    expect(typeAllowed(type, { mode, whitelist: ['post'], blacklist: ['post'] })).toBe(expected);
  });
});

describe(typesToScan.name, () => {
  it('deduplicates, sorts and filters', () => {
    expect(
      typesToScan(['post', 'image', 'post', 'notes'], {
        mode: 'blacklist',
        whitelist: [],
        blacklist: ['notes'],
      }),
    ).toEqual(['image', 'post']);
  });
});

describe(toPolicyFingerprint.name, () => {
  const settings = { recordTypes: ['post', 'image'], privateRecords: true };
  const base = toPolicyFingerprint(policy({ trustedNodes: ['a', 'b'] }), settings);

  it('does not depend on the order of lists', () => {
    expect(
      toPolicyFingerprint(policy({ trustedNodes: ['b', 'a'] }), {
        ...settings,
        recordTypes: ['image', 'post'],
      }),
    ).toBe(base);
  });

  it.each([
    ['trust', policy({ trustedNodes: ['a', 'b', 'c'] }), settings],
    ['types', policy({ trustedNodes: ['a', 'b'] }), { ...settings, recordTypes: ['post'] }],
    ['private sync', policy({ trustedNodes: ['a', 'b'] }), { ...settings, privateRecords: false }],
    [
      'the type filter',
      policy({
        trustedNodes: ['a', 'b'],
        typeFilter: { mode: 'blacklist', whitelist: [], blacklist: ['image'] },
      }),
      settings,
    ],
  ])('changes with %s', (_what, changed, changedSettings) => {
    expect(toPolicyFingerprint(changed, changedSettings)).not.toBe(base);
  });
});
