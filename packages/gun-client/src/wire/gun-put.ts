/**
 * One write with GUN's message API: a `put` of whole flat nodes with explicit souls and
 * states, and no chain objects left behind. A client sends it out and waits for the first
 * acknowledgement. A relay injects it as if a peer had sent it (GUN merges it, stores it and
 * passes it on to the relay's peers) and waits until its graph holds it and, with a disk
 * store, until the disk acknowledges.
 */
import { GunWriteError } from '../errors.js';
import type { GunNode } from '../types.js';
import { randomMessageId } from './gun-ask.js';
import { gunState, type GunRoot } from './gun-instance.js';

export interface PutGraphOptions {
  direction: 'out' | 'in';
  timeoutMs: number;
  /** Wait for an acknowledgement (from a peer or the disk store). */
  ack: boolean;
  /** Wait until the local graph holds every field (relays). */
  inGraph: boolean;
  signal?: AbortSignal | undefined;
}

interface GunAck {
  err?: unknown;
  ok?: unknown;
}

type GraphNode = Record<string, unknown> & { _: { '#': string; '>': Record<string, number> } };

function toMessageGraph(graph: Record<string, GunNode>, state: number): Record<string, GraphNode> {
  const out: Record<string, GraphNode> = {};
  for (const [soul, node] of Object.entries(graph)) {
    out[soul] = {
      ...node,
      _: { '#': soul, '>': Object.fromEntries(Object.keys(node).map((key) => [key, state])) },
    };
  }
  return out;
}

function holds(root: GunRoot, graph: Record<string, GunNode>, state: number): boolean {
  return Object.entries(graph).every(([soul, node]) => {
    const states =
      (root.graph[soul] as { _?: { '>'?: Record<string, number> } } | undefined)?._?.['>'] ?? {};
    return Object.keys(node).every((key) => (states[key] ?? -Infinity) >= state);
  });
}

/** Writes flat nodes (values: strings, numbers, booleans, null, links) by soul. */
export function putGraph(
  root: GunRoot,
  graph: Record<string, GunNode>,
  options: PutGraphOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = randomMessageId();
    const state = gunState();
    let acked = !options.ack;
    let done = false;
    let poll: ReturnType<typeof setImmediate> | undefined;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      listener.off();
      clearTimeout(deadline);
      if (poll) clearImmediate(poll);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      poll = undefined;
      if (done) return;
      if (options.inGraph && !holds(root, graph, state)) {
        poll = setImmediate(check);
        return;
      }
      if (acked) finish();
    };
    const onAbort = () =>
      finish(new GunWriteError('write aborted', { cause: options.signal?.reason }));
    const listener = root.on(id, function (answer: GunAck) {
      if (answer.err)
        return finish(
          new GunWriteError(`GUN refused the write: ${JSON.stringify(answer.err)}`, {
            retryable: false,
          }),
        );
      acked = true;
      check();
    });
    const deadline = setTimeout(
      () => finish(new GunWriteError(`write not stored within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    root.on(options.direction, { put: toMessageGraph(graph, state), '#': id });
    if (options.inGraph || acked) check();
  });
}
