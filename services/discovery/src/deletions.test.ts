import { describe, expect, it } from 'vitest';
import { deletionPending, deletionVersion, soulOfDid } from './deletions.js';

const now = new Date('2026-11-21T12:00:00.000Z');
const rules = { now, maxClockSkewMs: 60_000 };

describe(deletionVersion.name, () => {
  it('takes deletedAt (ms, a number or a string of digits) as the version', () => {
    expect(deletionVersion({ deletedAt: 1_700_000_000_000 }, rules)).toEqual({
      ok: true,
      version: 1_700_000_000_000,
    });
    expect(deletionVersion({ deletedAt: '1700000000000' }, rules)).toEqual({
      ok: true,
      version: 1_700_000_000_000,
    });
    expect(deletionVersion({ deletedAt: 12.9 }, rules)).toEqual({ ok: true, version: 12 });
  });

  it.each([[undefined], ['soon'], [-1], [Number.NaN], [true], ['2026-11-01']])(
    'rejects deletedAt %s as invalid-deletion',
    (deletedAt) => {
      expect(deletionVersion({ deletedAt }, rules)).toMatchObject({
        ok: false,
        reason: 'invalid-deletion',
      });
    },
  );

  it('accepts up to now + the allowed skew and rejects later ones as future-version', () => {
    expect(deletionVersion({ deletedAt: now.getTime() + 60_000 }, rules)).toMatchObject({
      ok: true,
    });
    expect(deletionVersion({ deletedAt: now.getTime() + 60_001 }, rules)).toMatchObject({
      ok: false,
      reason: 'future-version',
    });
  });
});

describe(deletionPending.name, () => {
  it('is pending without a tombstone as new as the deletion', () => {
    expect(deletionPending(10, undefined, undefined)).toBe(true);
    expect(deletionPending(10, 9, undefined)).toBe(true);
    expect(deletionPending(10, 10, undefined)).toBe(false);
    expect(deletionPending(10, 11, undefined)).toBe(false);
  });

  it('is pending while a version it covers is still indexed, not a newer republish', () => {
    expect(deletionPending(10, 10, 10)).toBe(true);
    expect(deletionPending(10, 10, 3)).toBe(true);
    expect(deletionPending(10, 10, 11)).toBe(false);
  });
});

describe(soulOfDid.name, () => {
  it('strips did:gun: and refuses anything else', () => {
    expect(soulOfDid('did:gun:a:b:c')).toBe('a:b:c');
    expect(soulOfDid('did:gun:')).toBeUndefined();
    expect(soulOfDid('did:arweave:x')).toBeUndefined();
  });
});
