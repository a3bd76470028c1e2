/**
 * Serves GUN's storage events from a `GraphStore`, as GUN's own adapters (radisk's
 * gun/lib/store.js) hook in:
 * - `put`: every field GUN accepted is queued and committed with the others of the same turn
 *   in one durable transaction; each is acknowledged only after that commit (a failed commit
 *   answers an error instead). Where the store holds a newer value (the node had been dropped
 *   from memory, so GUN had nothing to compare with), the store's value wins and is put back
 *   into memory.
 * - `get`: answered with every stored field of the node in one message (or the one key or
 *   key range asked for); nothing stored answers an empty message, as radisk does, so readers
 *   can tell "nobody has it" early. Answers never enter the graph: GUN hands them to whoever
 *   asked.
 * - After each commit the optional pruner drops least recently used nodes from memory.
 * - Every value GUN puts into its graph is detached from the message it came in (`detach`):
 *   V8's JSON.parse returns a string of 13 or more characters as a slice of the message text,
 *   and a slice keeps the whole text alive. A soul or a link kept in the graph would hold its
 *   whole put message (20 records of a wire batch, or an HTTP body) for as long as the node
 *   stays: the type index node, written by every registration and never pruned, held every
 *   message ever put (a relay under a 256 MiB heap ran out at 50,000 records seeded).
 * Store failures are logged (ids and counts only, never values) and answered as errors; they
 * never throw into GUN.
 */
import type { GunListener, GunRoot } from '@sync/gun-client/gun';
import type { Logger } from '@sync/logging';
import type { GraphPruner } from './graph-pruner.js';
import type { FieldWrite, GraphStore, GunValue, KeyFilter } from './graph-store.js';

interface PutEvent {
  '#': unknown;
  put: { '#': string; '.': string; ':': GunValue; '>': number };
  _?: { fromStore?: boolean };
}

interface GetEvent {
  '#': string;
  get: { '#': unknown; '.'?: unknown };
}

type GraphNode = Record<string, unknown> & { _: { '#': string; '>': Record<string, number> } };

export interface StoreAdapterStats {
  committedFields: number;
  /** Transactions committed (each is one fsync; GUN's puts of a turn share one). */
  commits: number;
  /** Time the event loop spent in commits, in total and the longest one. */
  commitSeconds: number;
  maxCommitSeconds: number;
  failedCommits: number;
  prunedNodes: number;
}

export interface StoreAdapter {
  /** Commits what is queued now (also runs on its own once per turn). */
  flush(): void;
  stats(): StoreAdapterStats;
  /** Stops serving GUN's events and commits what is queued. Idempotent. */
  close(): void;
}

export interface StoreAdapterOptions {
  store: GraphStore;
  pruner?: GraphPruner | undefined;
  log: Logger;
}

/** GUN's lex on keys (`{'=': k}`, `{'*': prefix}`, `{'>': from, '<': to}`) as a filter. */
export function toKeyFilter(lex: unknown): KeyFilter | undefined | null {
  if (lex === undefined) return undefined;
  if (typeof lex === 'string') return { equals: lex };
  if (typeof lex !== 'object' || lex === null) return null;
  const { '=': equals, '*': prefix, '>': from, '<': to } = lex as Record<string, unknown>;
  const filter: KeyFilter = {};
  if (typeof equals === 'string') filter.equals = equals;
  if (typeof prefix === 'string') filter.prefix = prefix;
  if (typeof from === 'string') filter.from = from;
  if (typeof to === 'string') filter.to = to;
  return filter;
}

/**
 * A copy of a string that shares no memory with the text it was cut from. Strings under 13
 * characters are never slices in V8 (SlicedString::kMinLength); longer ones are flattened into a
 * string of their own by the concatenation and the slice.
 */
export function detachString(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** A graph value whose strings are copies (a link is a new object with a copied soul). */
export function detachValue(value: GunValue): GunValue {
  if (typeof value === 'string') return detachString(value);
  if (typeof value === 'object' && value !== null) return { '#': detachString(value['#']) };
  return value;
}

export function attachStoreAdapter(
  root: GunRoot,
  { store, pruner, log }: StoreAdapterOptions,
): StoreAdapter {
  const pending: { id: unknown; field: FieldWrite }[] = [];
  let scheduled: ReturnType<typeof setImmediate> | undefined;
  let closed = false;
  const stats: StoreAdapterStats = {
    committedFields: 0,
    commits: 0,
    commitSeconds: 0,
    maxCommitSeconds: 0,
    failedCommits: 0,
    prunedNodes: 0,
  };

  const answer = (msg: Record<string, unknown>) => {
    // Marks the answer as trusted and from this store (radisk marks its answers the same way),
    // and whole: every field the store holds of what was asked, in this one message
    // (@sync/gun-client's askNode then stops waiting for GUN memory's parts of the node).
    const faith = Object.assign(() => undefined, { faith: true, fromStore: true, whole: true });
    root.on('in', { ...msg, _: faith });
  };

  // Nodes whose metadata soul is already a copy of its own (weak: a dropped node is forgotten).
  const detachedMeta = new WeakSet<object>();
  /** Replaces what GUN just put into the graph by copies that hold no message text. */
  const detachField = (soul: string, key: string, value: GunValue): string => {
    const node = root.graph[soul] as GraphNode | undefined;
    if (!node) return soul;
    if (node[key] === value) node[key] = detachValue(value);
    if (!detachedMeta.has(node)) {
      node._['#'] = detachString(node._['#']);
      detachedMeta.add(node);
    }
    return node._['#'];
  };

  const putBack = (soul: string, key: string, value: GunValue, state: number) => {
    const node = root.graph[soul] as GraphNode | undefined;
    if (!node) return;
    node[key] = value;
    node._['>'][key] = state;
  };

  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending.splice(0, pending.length);
    try {
      const started = performance.now();
      const outcomes = store.write(batch.map((entry) => entry.field));
      const seconds = (performance.now() - started) / 1000;
      stats.commits += 1;
      stats.commitSeconds += seconds;
      stats.maxCommitSeconds = Math.max(stats.maxCommitSeconds, seconds);
      stats.committedFields += batch.length;
      batch.forEach(({ field }, i) => {
        const outcome = outcomes[i];
        if (outcome && !outcome.kept)
          putBack(field.soul, field.key, outcome.current.value, outcome.current.state);
      });
      if (pruner) stats.prunedNodes += pruner.prune();
      for (const { id } of batch) root.on('in', { '@': id, ok: 1 });
    } catch (err) {
      stats.failedCommits += 1;
      log.error({ err, fields: batch.length }, 'relay store commit failed');
      for (const { id } of batch) root.on('in', { '@': id, err: 'relay store commit failed' });
    }
  };

  const onPut = root.on('put', function (this: GunListener, msg: PutEvent) {
    this.to.next(msg);
    if (closed || msg._?.fromStore) return;
    const { '#': put, '.': key, ':': value, '>': state } = msg.put;
    const soul = detachField(put, key, value);
    pending.push({ id: msg['#'], field: { soul, key, value, state } });
    pruner?.noteWrite(soul, key, value);
    scheduled ??= setImmediate(flush);
  });

  const onGet = root.on('get', function (this: GunListener, msg: GetEvent) {
    this.to.next(msg);
    if (closed) return;
    const soul = msg.get['#'];
    const filter = toKeyFilter(msg.get['.']);
    if (typeof soul !== 'string' || filter === null) return answer({ '@': msg['#'] });
    if (root.graph[soul]) pruner?.touch(soul);
    let fields;
    try {
      fields = store.readNode(soul, filter);
    } catch (err) {
      log.error({ err, soul }, 'relay store read failed');
      return answer({ '@': msg['#'], err: 'relay store read failed' });
    }
    if (fields.length === 0) return answer({ '@': msg['#'] });
    const node: GraphNode = { _: { '#': soul, '>': {} } };
    for (const { key, value, state } of fields) {
      node[key] = value;
      node._['>'][key] = state;
    }
    answer({ '@': msg['#'], put: { [soul]: node } });
  });

  return {
    flush,
    stats: () => ({ ...stats }),
    close() {
      if (closed) return;
      closed = true;
      onPut.off();
      onGet.off();
      flush();
    },
  };
}
