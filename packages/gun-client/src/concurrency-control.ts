/**
 * How many reads a peer gets in flight, decided from what the last window of reads showed (a
 * pure function; `adaptive-limiter.ts` measures and applies it):
 * - a failed read (timeout, refused, 5xx) halves the limit: the peer is overloaded or failing;
 * - an answer time above `tolerance` × the quietest answer time seen backs off by a quarter:
 *   reads are queueing at the peer, more of them in flight would only add waiting;
 * - otherwise, when the window used the whole limit (reads waited for a slot), the limit grows
 *   by half: the peer answers as fast as before, so more in flight means more throughput;
 * - a window that did not use its limit leaves it alone.
 * The limit stays within [min, max]. The quietest answer time drifts up slowly towards what the
 * peer answers now, so a peer that became slower for good is learned anew instead of read as
 * overload for ever.
 */

export interface ConcurrencySettings {
  min: number;
  max: number;
  /** Answer time above this × the quietest one counts as queueing (default 2). */
  tolerance: number;
}

export interface ConcurrencyState {
  limit: number;
  /** The quietest mean answer time seen (ms), undefined before the first window. */
  quietMs: number | undefined;
}

export interface ReadWindow {
  completed: number;
  failed: number;
  /** Mean answer time of the window's completed reads (ms). */
  meanMs: number;
  /** Reads waited for a slot during the window. */
  saturated: boolean;
}

/** How fast the quietest answer time follows a slower peer (share of the gap per window). */
const quietDrift = 0.05;

export function initialConcurrency(settings: ConcurrencySettings): ConcurrencyState {
  return { limit: clamp(Math.min(16, settings.max), settings), quietMs: undefined };
}

export function nextConcurrency(
  state: ConcurrencyState,
  window: ReadWindow,
  settings: ConcurrencySettings,
): ConcurrencyState {
  if (window.failed > 0) return { ...state, limit: clamp(Math.floor(state.limit / 2), settings) };
  if (window.completed === 0) return state;
  const quietMs =
    state.quietMs === undefined || window.meanMs < state.quietMs
      ? window.meanMs
      : state.quietMs + (window.meanMs - state.quietMs) * quietDrift;
  if (state.quietMs !== undefined && window.meanMs > settings.tolerance * state.quietMs)
    return { limit: clamp(Math.floor(state.limit * 0.75), settings), quietMs };
  if (window.saturated) return { limit: clamp(Math.ceil(state.limit * 1.5), settings), quietMs };
  return { limit: state.limit, quietMs };
}

function clamp(limit: number, { min, max }: ConcurrencySettings): number {
  return Math.max(min, Math.min(max, limit));
}
