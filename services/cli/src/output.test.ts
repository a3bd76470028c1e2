import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatProgressBar,
  formatProgressLine,
  formatTable,
  toCountRows,
  toErrorLine,
} from './output.js';

describe('output formatting', () => {
  it('formats durations', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('draws a progress bar, and a counter while the total is unknown', () => {
    expect(
      formatProgressBar({ label: 'records', done: 250, total: 1000, elapsedMs: 1200 }, 8),
    ).toBe('records [##......] 250/1000 25%  1.2 s');
    expect(formatProgressBar({ label: 'records', done: 1000, total: 1000, elapsedMs: 10 }, 4)).toBe(
      'records [####] 1000/1000 100%  10 ms',
    );
    expect(formatProgressBar({ label: 'records', done: 3, total: undefined, elapsedMs: 10 })).toBe(
      'records 3  10 ms',
    );
  });

  it('writes plain progress lines', () => {
    expect(formatProgressLine({ label: 'users', done: 1, total: 3, elapsedMs: 2000 })).toBe(
      'users: 1/3 (33%) after 2.0 s',
    );
    expect(formatProgressLine({ label: 'users', done: 0, total: 0, elapsedMs: 5 })).toBe(
      'users: 0/0 (100%) after 5 ms',
    );
  });

  it('aligns tables: text left, numbers right', () => {
    expect(
      formatTable(
        ['type', 'entries'],
        [
          ['post', 1000],
          ['image', 7],
        ],
      ),
    ).toBe(['type   entries', '-----  -------', 'post      1000', 'image        7'].join('\n'));
  });

  it('sorts counts largest first, then by name', () => {
    expect(toCountRows({ b: 1, a: 1, c: 5 })).toEqual([
      ['c', 5],
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('renders an error as one line with its cause', () => {
    expect(toErrorLine(new Error('write failed', { cause: new Error('timeout') }))).toBe(
      'write failed (timeout)',
    );
    expect(toErrorLine(new Error('first\nsecond'))).toBe('first');
    expect(toErrorLine('plain')).toBe('plain');
  });
});
