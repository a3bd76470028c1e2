/**
 * What one check found: counts of what it looked at (printed, so CI logs show the check ran on
 * something) and one line per problem.
 */
export interface Report {
  readonly name: string;
  readonly counts: Map<string, number>;
  readonly errors: string[];
  readonly notes: string[];
  count(what: string, n?: number): void;
  error(message: string): void;
  note(message: string): void;
}

export function createReport(name: string): Report {
  const counts = new Map<string, number>();
  const errors: string[] = [];
  const notes: string[] = [];
  return {
    name,
    counts,
    errors,
    notes,
    count: (what, n = 1) => counts.set(what, (counts.get(what) ?? 0) + n),
    error: (message) => errors.push(message),
    note: (message) => notes.push(message),
  };
}

/** Lines for the console: the counts, the notes, then every error. */
export function formatReport(report: Report): string[] {
  const counts = [...report.counts].map(([what, n]) => `${n} ${what}`).join(', ');
  const status = report.errors.length === 0 ? 'ok' : `${report.errors.length} problem(s)`;
  return [
    `${report.name}: ${status}${counts ? ` (${counts})` : ''}`,
    ...report.notes.map((n) => `  note: ${n}`),
    ...report.errors.map((e) => `  error: ${e}`),
  ];
}
