/**
 * Where the CLI's human output goes: progress on stderr (a redrawn bar on a terminal, one line
 * every few seconds otherwise, nothing with --json), results on stdout.
 */
import { formatProgressBar, formatProgressLine, type Progress } from './output.js';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Stream;
  stderr: Stream;
}

export interface Reporter {
  progress(label: string, done: number, total?: number): void;
  /** Ends the current progress display with a final line. */
  finish(label: string, done: number, total?: number): void;
  /** A result line on stdout (suppressed with --json). */
  line(text: string): void;
  /** The machine result on stdout (only with --json). */
  json(value: unknown): void;
}

export interface ReporterOptions {
  json: boolean;
  now?: () => number;
  /** Least time between two plain progress lines. */
  lineEveryMs?: number;
}

export function createReporter(
  io: Io,
  { json, now = Date.now, lineEveryMs = 2000 }: ReporterOptions,
): Reporter {
  const started = now();
  const tty = io.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  const state = (label: string, done: number, total: number | undefined): Progress => ({
    label,
    done,
    total,
    elapsedMs: now() - started,
  });

  return {
    progress(label, done, total) {
      if (json) return;
      if (tty) {
        io.stderr.write(`\r\x1b[2K${formatProgressBar(state(label, done, total))}`);
        drawn = true;
        return;
      }
      if (now() - lastLine < lineEveryMs) return;
      lastLine = now();
      io.stderr.write(`${formatProgressLine(state(label, done, total))}\n`);
    },
    finish(label, done, total) {
      if (json) return;
      if (tty) {
        io.stderr.write(`\r\x1b[2K${formatProgressBar(state(label, done, total))}\n`);
        drawn = false;
        return;
      }
      io.stderr.write(`${formatProgressLine(state(label, done, total))}\n`);
    },
    line(text) {
      if (json) return;
      if (drawn) io.stderr.write('\n');
      drawn = false;
      io.stdout.write(`${text}\n`);
    },
    json(value) {
      if (json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
