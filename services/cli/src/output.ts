/** Pure text formatting of the CLI: progress bar and lines, tables, durations. */

export interface Progress {
  label: string;
  done: number;
  /** Unknown while the total is still being counted. */
  total: number | undefined;
  elapsedMs: number;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** `label [#######.............]  350/1000  35%  1.2 s` for a terminal (one line, redrawn). */
export function formatProgressBar({ label, done, total, elapsedMs }: Progress, width = 24): string {
  if (total === undefined || total <= 0) return `${label} ${done}  ${formatDuration(elapsedMs)}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  return `${label} [${bar}] ${done}/${total} ${Math.floor(ratio * 100)}%  ${formatDuration(elapsedMs)}`;
}

/** `label: 350/1000 (35%) after 1.2 s` for logs and pipes (one line per step). */
export function formatProgressLine({ label, done, total, elapsedMs }: Progress): string {
  const of =
    total === undefined
      ? `${done}`
      : `${done}/${total} (${total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100}%)`;
  return `${label}: ${of} after ${formatDuration(elapsedMs)}`;
}

export type Cell = string | number;

/** A plain text table: a header, a rule, right-aligned numbers. */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => String(row[i] ?? '').length)),
  );
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'),
  );
  const render = (cells: readonly Cell[]) =>
    cells
      .map((cell, i) => {
        const text = String(cell);
        return numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join(
    '\n',
  );
}

/** Count maps as rows, largest first, then by name. */
export function toCountRows(counts: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** One line for an error, without stack or record content. */
export function toErrorLine(err: unknown): string {
  if (err instanceof Error) {
    const cause =
      err.cause instanceof Error && err.cause.message && !err.message.includes(err.cause.message)
        ? ` (${err.cause.message})`
        : '';
    return `${err.message}${cause}`.split('\n')[0] ?? '';
  }
  return String(err);
}
