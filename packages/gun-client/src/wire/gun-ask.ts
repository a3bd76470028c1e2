/**
 * One read with GUN's message API: send a `get` (a whole node, or one field) and gather the
 * answers addressed to it. GUN hands answers with a waiting listener straight to it and never
 * merges them into its graph, so reads leave no trace in memory. A client sends the `get` out
 * to its peers; a relay injects it as if a peer had asked, so its memory, its disk and its own
 * peers all answer.
 *
 * Newest wins (issue 15): the parts of every answer are merged field by field with GUN's HAM
 * (`hamPrefers`: higher state, then the lexically larger value), never "first answer wins". A
 * client waits for an answer from every connected peer before it finishes, even when the
 * first answer is already whole (a local relay may hold a stale copy); a peer that stays
 * silent is waited on until `peerWaitMs` after the read began, and never past `readTimeoutMs`.
 */
import { randomBytes } from 'node:crypto';
import { UpstreamError } from '../errors.js';
import { toCleanNode } from '../node-source.js';
import { hamPrefers } from '../newest.js';
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
  /**
   * Largest node gathered (GUN_MAX_NODE_BYTES, estimated: field names plus values as JSON);
   * a node that grows past it ends the read with SYNC_GUN_TOO_LARGE. Default: no limit.
   */
  maxNodeBytes?: number | undefined;
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
   * (a large node a busy disk store answers in several parts) is waited on up to this long.
   * Default: `readTimeoutMs`. An answer still streaming at the limit is never handed on as the
   * node: the read ends with SYNC_GUN_PARTIAL.
   */
  streamLimitMs?: number;
}

interface GunAnswer {
  /**
   * GUN's per-message metadata: `via` is the peer the answer came from; `rad` marks an answer
   * of GUN's radisk store (its `get`), which streams a large node in chunks flagged `'%': 1`;
   * `ram` a part of GUN's own memory answer; `whole` an answer of gun-sync's relay store
   * (services/gun-relay, sqlite), which holds every field it acknowledged and sends them all in
   * that one message.
   */
  _?: { via?: unknown; rad?: unknown; ram?: unknown; whole?: unknown };
  put?: Record<string, Record<string, unknown> & { _?: { '>'?: Record<string, number> } }>;
  /** This message's id. */
  '#'?: unknown;
  /**
   * Set when more parts of this answer follow: GUN's memory names the next part's id, radisk
   * sets 1 on every chunk but its last.
   */
  '%'?: unknown;
}

export const randomMessageId = () => randomBytes(9).toString('base64url');

/** Bytes one field adds to a gathered node: its name and its value as JSON, about. */
export function fieldBytes(field: string, value: unknown): number {
  if (typeof value === 'string') return field.length + value.length + 6;
  if (typeof value === 'object' && value !== null)
    return field.length + JSON.stringify(value).length + 4;
  return field.length + 12;
}

export function askNode(root: GunRoot, options: AskOptions): Promise<ReadResult<GunNode>> {
  const { soul, key, complete, signal } = options;
  return new Promise((resolve) => {
    const id = randomMessageId();
    const fields = new Map<string, { value: unknown; state: number }>();
    let bytes = 0;
    let emptyAnswers = 0;
    let done = false;
    let settle: ReturnType<typeof setTimeout> | undefined;
    // A client's read ends once every connected peer answered or `peerWaitMs` passed. Bounded:
    // at most one entry per peer, dropped with the read.
    const answered = new Set<unknown>();
    // GUN streams a node in parts: each part but the last names the next one's id in `%`.
    // Two answers (memory, disk, a peer) interleave, and a last part can arrive before the part
    // that announces it: a part is awaited only while no message with its id has arrived.
    // Bounded by the parts of this read, dropped with it.
    const partsSeen = new Set<string>();
    // Each awaited part, and whether GUN's memory announced it.
    const partsAwaited = new Map<string, boolean>();
    // radisk's chunks name no next part: its stream is open from a chunk with `'%'` to its
    // last chunk, which has none.
    let storeStreaming = false;
    // Once the relay's durable store answered whole, GUN memory's parts of the node (9 fields a
    // turn) hold nothing the store has not acknowledged: they are merged while they come, never
    // awaited. Before, a 100,000-field index the relay's memory still held streamed for longer
    // than the stream limit, and the read ended partial although the store had answered it.
    let storeWhole = false;
    const streaming = () => {
      if (storeStreaming) return true;
      for (const fromMemory of partsAwaited.values()) if (!fromMemory || !storeWhole) return true;
      return false;
    };
    let peerWaitOver = options.direction !== 'out';
    let waitingForPeers = false;
    const everyPeerAnswered = () => peerWaitOver || answered.size >= countOpenPeers(root);

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
    /** More parts were announced and did not come: what arrived is not the node. */
    const finishPartial = (why: string) =>
      finish(
        readError(
          new UpstreamError(
            'SYNC_GUN_PARTIAL',
            `${soul}: ${why} with ${fields.size} fields gathered and more announced`,
          ),
        ),
      );
    const onAbort = () =>
      finish(
        readError(new UpstreamError('SYNC_GUN_TIMEOUT', 'read aborted', { cause: signal?.reason })),
      );

    /** The parts stopped coming: finish, unless a connected peer has not answered yet. */
    const settled = () => {
      if (streaming()) return finishPartial(`the stream stalled for ${streamGapMs} ms`);
      if (everyPeerAnswered()) return finishWithData();
      waitingForPeers = true;
    };

    const listener = root.on(id, function (answer: GunAnswer) {
      if (done) return;
      if (answer._?.via !== undefined) answered.add(answer._.via);
      const messageId = answer['#'];
      if (typeof messageId === 'string') {
        partsSeen.add(messageId);
        partsAwaited.delete(messageId);
      }
      const next = answer['%'];
      const fromMemory = answer._?.ram === true;
      if (typeof next === 'string' && !partsSeen.has(next)) partsAwaited.set(next, fromMemory);
      const wasStreaming = streaming();
      if (answer._?.rad !== undefined) storeStreaming = next !== undefined && next !== null;
      const part = answer.put?.[soul];
      if (!part) {
        // radisk's last chunk can be empty: the stream ended, the parts only need to settle.
        if (fields.size > 0 && wasStreaming && !streaming()) {
          clearTimeout(settle);
          settle = setTimeout(settled, options.settleMs);
        }
        emptyAnswers += 1;
        if (
          fields.size === 0 &&
          options.expectedAnswers &&
          emptyAnswers >= options.expectedAnswers()
        ) {
          clearTimeout(settle);
          settle = setTimeout(finishWithData, options.settleMs);
        }
        if (fields.size > 0 && waitingForPeers && everyPeerAnswered()) finishWithData();
        return;
      }
      const memoryAfterStore = fromMemory && storeWhole;
      if (answer._?.whole === true) storeWhole = true;
      const states = part._?.['>'] ?? {};
      for (const [field, value] of Object.entries(part)) {
        if (field === '_' || (key !== undefined && field !== key)) continue;
        const incoming = { value, state: states[field] ?? 0 };
        const known = fields.get(field);
        if (!known || hamPrefers(incoming, known)) {
          bytes += fieldBytes(field, value) - (known ? fieldBytes(field, known.value) : 0);
          fields.set(field, incoming);
        }
      }
      if (options.maxNodeBytes !== undefined && bytes > options.maxNodeBytes)
        return finish(
          readError(
            new UpstreamError(
              'SYNC_GUN_TOO_LARGE',
              `node larger than ${options.maxNodeBytes} bytes`,
              { retryable: false },
            ),
          ),
        );
      const more = streaming();
      // Memory's parts after the store's whole answer do not hold the read open.
      if (memoryAfterStore && !more) return;
      if (complete?.(node()) && !more && everyPeerAnswered()) return finishWithData();
      clearTimeout(settle);
      waitingForPeers = false;
      settle = setTimeout(settled, more ? streamGapMs : options.settleMs);
    });
    const peerWait = setTimeout(() => {
      peerWaitOver = true;
      if (fields.size === 0 && emptyAnswers > 0) finish(notFound());
      else if (waitingForPeers) finishWithData();
    }, options.peerWaitMs);
    let streamLimit: ReturnType<typeof setTimeout> | undefined;
    const cutAt = (ms: number) =>
      streaming() ? finishPartial(`still arriving after ${ms} ms`) : finishWithData();
    const deadline = setTimeout(() => {
      const limitMs = options.streamLimitMs ?? options.readTimeoutMs;
      if (fields.size > 0 && settle !== undefined && limitMs > options.readTimeoutMs) {
        streamLimit = setTimeout(() => cutAt(limitMs), limitMs - options.readTimeoutMs);
        return;
      }
      if (fields.size > 0) return cutAt(options.readTimeoutMs);
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
