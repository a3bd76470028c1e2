/**
 * A budget of bytes shared by concurrent reads: each takes its share before it receives an
 * answer and gives it back when done; a read that does not fit waits (first come, first
 * served). A share larger than the whole budget is cut to the budget, so it runs alone.
 * Shares are taken whole before any byte arrives, so waiting readers never hold a part.
 */
export interface ByteBudget {
  /** Resolves with the release function once `bytes` (at most the budget) are free. */
  take(bytes: number): Promise<() => void>;
  /** Bytes taken now. */
  inUse(): number;
}

export function createByteBudget(total: number): ByteBudget {
  if (!Number.isInteger(total) || total < 1)
    throw new RangeError(`byte budget must be a positive integer, got ${total}`);
  let used = 0;
  const waiting: { bytes: number; grant: () => void }[] = [];
  const drain = () => {
    while (waiting.length > 0 && used + (waiting[0] as { bytes: number }).bytes <= total) {
      const next = waiting.shift() as { bytes: number; grant: () => void };
      used += next.bytes;
      next.grant();
    }
  };
  return {
    async take(bytes) {
      const share = Math.min(total, Math.max(0, Math.ceil(bytes)));
      if (waiting.length === 0 && used + share <= total) used += share;
      else await new Promise<void>((grant) => waiting.push({ bytes: share, grant }));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        used -= share;
        drain();
      };
    },
    inUse: () => used,
  };
}
