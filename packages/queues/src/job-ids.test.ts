import { describe, expect, it } from 'vitest';
import { dedupIdFor, jobIdFor, soulKey } from './job-ids.js';

describe(jobIdFor.name, () => {
  it('is deterministic for a (soul, version) pair', () => {
    expect(jobIdFor('transform', '82d1ad726425:post-001', 5)).toBe(
      jobIdFor('transform', '82d1ad726425:post-001', 5),
    );
    expect(jobIdFor('transform', '82d1ad726425:post-001', 5)).not.toBe(
      jobIdFor('transform', '82d1ad726425:post-001', 6),
    );
  });

  it.each(['82d1ad726425:post-001', 'a:b:c:d', 'ünïcödé:😀', '12345', ':', 'x'.repeat(2000)])(
    'never contains a colon and never is all digits for %s',
    (soul) => {
      for (const id of [jobIdFor('index', soul, 1), dedupIdFor('transform', soul)]) {
        expect(id).not.toContain(':');
        expect(id).not.toMatch(/^\d+$/);
        expect(id.length).toBeLessThan(80);
      }
    },
  );

  it('separates stages', () => {
    expect(dedupIdFor('transform', 's')).not.toBe(dedupIdFor('index', 's'));
    expect(dedupIdFor('delete', 's')).not.toBe(dedupIdFor('index', 's'));
    expect(soulKey('s')).toMatch(/^[0-9a-f]{32}$/);
  });
});
