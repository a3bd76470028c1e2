import { describe, expect, it } from 'vitest';
import { gunLoadMessages } from './gun-instance.js';

describe('loading gun', () => {
  it('keeps what gun prints while loading (its welcome line) for the log, not stdout', () => {
    expect(gunLoadMessages.some((line) => line.includes('GUN'))).toBe(true);
    // console.log is ours again afterwards.
    // eslint-disable-next-line no-console -- checking that the load-time capture was undone
    expect(console.log.toString()).not.toContain('printed.push');
  });
});
