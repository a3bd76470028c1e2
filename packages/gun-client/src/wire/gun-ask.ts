/**
 * One read with GUN's message API: send a `get` (a whole node, or one field) and gather the
 * answers addressed to it. GUN hands answers with a waiting listener straight to it and never
 * merges them into its graph, so reads leave no trace in memory. A client sends the `get` out
 * to its peers; a relay injects it as if a peer had asked, so its memory, its disk and its own
 * peers all answer.
 */
import { randomBytes } from 'node:crypto';
import { UpstreamError } from '../errors.js';
import { toCleanNode } from '../node-source.js';
import { found, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import { countOpenPeers, type GunRoot } from './gun-instance.js';

export interface AskTimings {
  /** Longest a read may take. */
  readTimeoutMs: number;
  /** After this long with only empty answers the read is not-found (relays answer before their peers). */
  peerWaitMs: number;
  /**
   * Quiet time after the last part of an answer not known to be whole. GUN streams a node it
   * holds in memory 9 fields per message, and a relay's memory, disk and peers all answer, so
   * an answer is only whole once the parts stop coming.
   */
  settleMs: number;
}

/** Longest pause tolerated between two parts of one streamed answer (a part marked "more follows"). */
const streamGapMs = 1000;

export interface AskOptions extends AskTimings {
  soul: string;
  /** One field only. */
  key?: string | undefined;
  /** `out` from a client to its peers; `in` into a relay's own graph, disk and peers. */
  direction: 'out' | 'in';
  complete?: ((node: GunNode) => boolean) | undefined;
  signal?: AbortSignal | undefined;
  /** No answer at all means not-found (a relay without disk store gets no empty answers). */
  silenceIsNotFound?: boolean;
  /**
   * How many empty answers mean nobody has the node (a relay: its disk plus each open peer).
   * Once that many arrived and `settleMs` passes quietly, the read is not-found early.
   */
  expectedAnswers?: () => number;
  /**
   * Longest a read may take once parts are arriving: at `readTimeoutMs` a node still streaming
   * (a large node a busy disk store answers in several parts) is waited on up to this long
   * instead of being cut. Default: cut at `readTimeoutMs`.
   */
  streamLimitMs?: number;
}

interface GunAnswer {
  put?: Record<string, Record<string, unknown> & { _?: { '>'?: Record<string, number> } }>;
  /** Set when more parts of this answer follow. */
  '%'?: unknown;
}

export const randomMessageId = () => randomBytes(9).toString('base64url');

export function askNode(root: GunRoot, options: AskOptions): Promise<ReadResult<GunNode>> {
  const { soul, key, complete, signal } = options;
  return new Promise((resolve) => {
    const id = randomMessageId();
    const fields = new Map<string, { value: unknown; state: number }>();
    let emptyAnswers = 0;
    let done = false;
    let settle: ReturnType<typeof setTimeout> | undefined;

    const node = () =>
      toCleanNode(Object.fromEntries([...fields].map(([field, entry]) => [field, entry.value])));
    const finish = (result: ReadResult<GunNode>) => {
      if (done) return;
      done = true;
      listener.off();
      clearTimeout(settle);
      clearTimeout(peerWait);
      clearTimeout(deadline);
      clearTimeout(streamLimit);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const finishWithData = () => {
      const value = node();
      finish(Object.keys(value).length > 0 ? found(value) : notFound());
    };
    const onAbort = () =>
      finish(
        readError(new UpstreamError('SYNC_GUN_TIMEOUT', 'read aborted', { cause: signal?.reason })),
      );

    const listener = root.on(id, function (answer: GunAnswer) {
      if (done) return;
      const part = answer.put?.[soul];
      if (!part) {
        emptyAnswers += 1;
        if (
          fields.size === 0 &&
          options.expectedAnswers &&
          emptyAnswers >= options.expectedAnswers()
        ) {
          clearTimeout(settle);
          settle = setTimeout(finishWithData, options.settleMs);
        }
        return;
      }
      const states = part._?.['>'] ?? {};
      for (const [field, value] of Object.entries(part)) {
        if (field === '_' || (key !== undefined && field !== key)) continue;
        const state = states[field] ?? 0;
        const known = fields.get(field);
        if (!known || state >= known.state) fields.set(field, { value, state });
      }
      if (complete?.(node())) return finishWithData();
      clearTimeout(settle);
      settle = setTimeout(finishWithData, answer['%'] ? streamGapMs : options.settleMs);
    });
    const peerWait = setTimeout(() => {
      if (fields.size === 0 && emptyAnswers > 0) finish(notFound());
    }, options.peerWaitMs);
    let streamLimit: ReturnType<typeof setTimeout> | undefined;
    const deadline = setTimeout(() => {
      if (fields.size > 0 && settle !== undefined && options.streamLimitMs !== undefined) {
        streamLimit = setTimeout(
          finishWithData,
          Math.max(0, options.streamLimitMs - options.readTimeoutMs),
        );
        return;
      }
      if (fields.size > 0) return finishWithData();
      if (emptyAnswers > 0 || options.silenceIsNotFound) return finish(notFound());
      const error =
        countOpenPeers(root) === 0
          ? new UpstreamError('SYNC_GUN_UNAVAILABLE', 'no GUN peer connected')
          : new UpstreamError('SYNC_GUN_TIMEOUT', `no answer within ${options.readTimeoutMs} ms`);
      finish(readError(error));
    }, options.readTimeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    root.on(options.direction, {
      get: key === undefined ? { '#': soul } : { '#': soul, '.': key },
      '#': id,
    });
    if (!done && fields.size === 0 && options.expectedAnswers?.() === 0)
      settle = setTimeout(finishWithData, options.settleMs);
  });
}
