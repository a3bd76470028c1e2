import { describe, expect, it } from 'vitest';
import { createReporter } from './reporter.js';

function capture(isTTY: boolean) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { isTTY, write: (t: string) => (out.stderr += t) },
  };
  return { out, io };
}

describe(createReporter.name, () => {
  it('redraws a bar on a terminal and ends it with a newline', () => {
    const { out, io } = capture(true);
    const reporter = createReporter(io, { json: false, now: () => 0 });
    reporter.progress('records', 1, 4);
    reporter.finish('records', 4, 4);
    expect(out.stderr).toBe(
      '\r\x1b[2Krecords [######..................] 1/4 25%  0 ms\r\x1b[2Krecords [########################] 4/4 100%  0 ms\n',
    );
  });

  it('writes plain lines at most every lineEveryMs when not a terminal', () => {
    const { out, io } = capture(false);
    let t = 0;
    const reporter = createReporter(io, { json: false, now: () => t, lineEveryMs: 1000 });
    t = 1000;
    reporter.progress('records', 1, 10);
    t = 1500;
    reporter.progress('records', 2, 10);
    reporter.finish('records', 10, 10);
    reporter.line('done');
    expect(out.stderr).toBe('records: 1/10 (10%) after 1.0 s\nrecords: 10/10 (100%) after 1.5 s\n');
    expect(out.stdout).toBe('done\n');
  });

  it('prints only the JSON document with --json', () => {
    const { out, io } = capture(true);
    const reporter = createReporter(io, { json: true });
    reporter.progress('records', 1, 2);
    reporter.line('table');
    reporter.json({ a: 1 });
    expect(out).toEqual({ stdout: '{\n  "a": 1\n}\n', stderr: '' });
  });
});
