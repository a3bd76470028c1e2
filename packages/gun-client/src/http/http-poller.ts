/**
 * Live discovery over the relay HTTP API, which has no push: a poller that finds new **and
 * changed** registrations and deletion marks at a bounded cost per peer.
 *
 * - **Recent changes** (`recent.ts`): one small node that gun-sync's writers note every
 *   registration and deletion mark in. Read every cycle; a field whose value changed is a new
 *   or changed entry (or a deletion), reported at once. This is the fast path: one read a
 *   cycle, whatever the registry's size. A relay without it (only OIP writers) is asked again
 *   every 4 idle pauses, not every cycle: each not-found costs OIP's relay 3 s.
 * - **OIP's legacy layout**, for writers that only know it: an index field is a link that never
 *   changes, so the change signal is the relay's bookkeeping child
 *   `index:<prefix>/<index soul>` (spec §1.2), whose `storedAt` moves with every put of the
 *   index. Only when it moves is the index node read: keys not seen before are resolved and
 *   reported; when no key is new (a re-registration: the child got a new timestamp) the children
 *   are swept, a bounded number per round, and those whose `(nodeId, timestamp)` differ from
 *   what was last reported are reported. The signal is still read during a sweep: a move
 *   renews the sweep to a whole circle from where it is (before, a move was seen only after
 *   the sweep, and the next sweep began at the first key: an entry changed behind the cursor
 *   waited up to two sweeps). Each
 *   re-registration costs reads of up to every child, so it is found within (children / legacy
 *   reads a second). The deletion index is watched the same way
 *   (`onDeletions({dids: null})`: read it again).
 * - **Adaptive and limited**: the pause between cycles is `minIntervalMs` while changes
 *   arrive and doubles up to `maxIntervalMs` when idle; each present type's signal is read at
 *   most every 4 idle pauses, a type the relay does not have at most every 300; and no more
 *   than `maxReadsPerMinute` requests in all go to each peer in any minute while idle (every
 *   read goes to every peer; a read that asks a peer again, while its answer grows or an index
 *   child is not found yet, is charged for each request; 6 × as many while changes arrive and
 *   for 30 s after the last one): two thirds for the recent node and one third for the legacy
 *   side while the relay has the recent node, a quarter and three quarters while it does not;
 *   reads past a side's share wait for a later round. While some index is absent, the relay's bookkeeping node
 *   (which lists every index put through it) is read every 15 idle pauses, so the first
 *   registration of a type is seen in seconds, not at the next absent probe (5 minutes).
 * - **Bounded memory**: at most `maxTrackedKeys` legacy index keys in all (keys past the cap
 *   are left to the full scans), the last reported version of at most `maxTrackedKeys` entries,
 *   at most `maxRecentFields` recent fields; nothing else grows with the registry.
 *
 * The first cycle is a baseline (nothing reported): what was there before the subscription is
 * the full scan's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@sync/logging';
import { createEntryChanges } from '../entry-changes.js';
import { readIndexListing, resolveIndexEntry } from '../graph-reader.js';
import { mapLimited } from '../limiter.js';
import type { NodeSource } from '../node-source.js';
import { decodeRecentValue, toRecentSoul } from '../recent.js';
import { toDeletedIndexSoul, toIndexSoul, toRelayIndexSoul } from '../souls.js';
import type { DeletionsChanged, IndexEntry, ReadResult } from '../types.js';

export interface PollerSettings {
  /** Pause between cycles while changes arrive. */
  minIntervalMs: number;
  /** Longest pause between cycles when idle (GUN_POLL_INTERVAL_MS). */
  maxIntervalMs: number;
  /** Requests per minute this poller sends each peer while idle: the per-peer limit. */
  maxReadsPerMinute: number;
  /** Legacy index keys (and reported entry versions) remembered, over all types. */
  maxTrackedKeys: number;
}

export const defaultPollerSettings: PollerSettings = {
  minIntervalMs: 250,
  maxIntervalMs: 1000,
  maxReadsPerMinute: 60,
  maxTrackedKeys: 100_000,
};

export interface PollerOptions extends PollerSettings {
  source: NodeSource;
  root: string;
  deletedRoot: string;
  recordTypes: readonly string[];
  /** Types the relays' bookkeeping lists (null = unknown): the others are probed rarely. */
  storedTypes?: () => ReadonlySet<string> | null;
  onEntry: (entry: IndexEntry) => void;
  onDeletions?: ((change: DeletionsChanged) => void) | undefined;
  log: Logger;
  signal: AbortSignal;
  now?: () => number;
  /** Wall clock (ms since the epoch), for the baseline. */
  wallNow?: () => number;
}

/** Idle pauses between two reads of a present type's signal, and of an absent type's. */
const presentEvery = 4;
const absentEvery = 300;
/**
 * Idle pauses between two reads of the relay's bookkeeping node `index:<prefix>` (spec §1.2)
 * while some watched index is absent: it lists every index put through the relay, so a type
 * whose first registration arrives is probed at once instead of at its next absent probe.
 */
const bookkeepingEvery = 15;
/** While changes arrive, and this long after the last one, reads may go `activeFactor` × faster. */
const activeForMs = 30_000;
const activeFactor = 6;
/** The recent node's share of the read limit while the relay has it, and while it does not. */
const recentShareWhenPresent = 2 / 3;
const recentShareWhenAbsent = 1 / 4;
/** Idle pauses between two reads of a recent-changes node the relay does not have. */
const recentAbsentEvery = 4;
/** Children resolved per type and round (new keys, then a sweep). */
const perRound = 64;
/** Types (or the deletion index) checked at the same time. */
const legacyConcurrency = 8;
const maxRecentFields = 4096;
/** How far before the subscription a change counts as one the baseline reports. */
const baselineSlackMs = 60_000;
/** Largest index whose children are swept for a changed entry. */
const maxSweep = 2048;

interface Watched {
  /** The index soul (or the deletion index soul) and its bookkeeping child. */
  soul: string;
  signalSoul: string;
  recordType: string | null;
  /** Last `storedAt` seen; undefined before the first read, null when the relay has none. */
  storedAt: number | null | undefined;
  nextAt: number;
  /** Pause until the next signal read while the index is present. */
  gapMs: number;
  /** The signal moved but the index has not been read since. */
  dirty: boolean;
  /** The move came during a sweep, which covers changed entries: read the index for new keys only. */
  keysOnly: boolean;
  /**
   * Index fields to resolve (new keys first), and the sweep through all of them: a circle that
   * goes on from its cursor for `left` more children, renewed to a whole circle whenever the
   * signal moves again, so an entry changed during a sweep is read within one circle.
   */
  pending: [string, unknown][];
  sweep: { items: [string, unknown][]; cursor: number; left: number } | null;
}

/**
 * A per-peer request budget: a token bucket of `rate()` requests a minute (read at each
 * refill). It keeps at most `burst` tokens (2 s worth, at least 1) and refills at `rate - burst`
 * a minute, so no 60 s window holds more than `rate` requests. A read is admitted while a token
 * is there (`tryTake`, which returns the source to read through); a read that asks a peer
 * again (an answer that grows, an index child not found yet) is charged for every request it
 * sent once it is over, so the budget may go into debt and the next reads wait it out.
 */
function createReadBudget(source: NodeSource, rate: () => number, now: () => number) {
  const burstOf = (perMinute: number) => Math.max(1, Math.ceil(perMinute / 30));
  let tokens = burstOf(rate());
  let at = now();
  let perMinute = rate();
  const refill = () => {
    const t = now();
    perMinute = rate();
    const burst = burstOf(perMinute);
    tokens = Math.min(burst, tokens + ((t - at) * (perMinute - burst)) / 60_000);
    at = t;
  };
  return {
    /** A source whose reads are charged (one request was taken here), or null: no token yet. */
    tryTake(): NodeSource | null {
      refill();
      if (tokens < 1) return null;
      tokens -= 1;
      let prepaid = 1;
      const onRequests = (count: number) => {
        tokens -= Math.max(0, count - prepaid);
        prepaid = Math.max(0, prepaid - count);
      };
      const readIndex = source.readIndex?.bind(source);
      return {
        readNode: (soul, options = {}) => source.readNode(soul, { ...options, onRequests }),
        ...(readIndex
          ? { readIndex: (soul, options = {}) => readIndex(soul, { ...options, onRequests }) }
          : {}),
      };
    },
    /** Ms until one token is there. */
    waitMs(): number {
      refill();
      const burst = burstOf(perMinute);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60_000) / (perMinute - burst));
    },
  };
}

export async function runPoller(options: PollerOptions): Promise<void> {
  const { source, root, deletedRoot, signal, log, onEntry, onDeletions } = options;
  const now = options.now ?? (() => performance.now());
  let lastChangeAt = -Infinity;
  /** Whether the relay had the recent node at the last read (assumed until then). */
  let recentPresent = true;
  // The limit is split between the recent node and the legacy signals and entries, so neither
  // can starve the other (quick recent polls while changes arrive would otherwise take them
  // all): two thirds for the recent node while the relay has it, a quarter while it does not
  // (then it is only probed every few pauses). While changes arrive (and for `activeForMs`
  // after the last one) the limit is `activeFactor` times higher: every new legacy entry costs
  // reads (signal, index, entry), and a burst would otherwise queue behind the idle limit.
  // Idle, all reads together stay within the setting.
  const factor = () => (now() - lastChangeAt < activeForMs ? activeFactor : 1);
  const recentShare = () => (recentPresent ? recentShareWhenPresent : recentShareWhenAbsent);
  const recentBudget = createReadBudget(
    source,
    () => options.maxReadsPerMinute * recentShare() * factor(),
    now,
  );
  const budget = createReadBudget(
    source,
    () => options.maxReadsPerMinute * (1 - recentShare()) * factor(),
    now,
  );
  const changes = createEntryChanges(options.maxTrackedKeys);
  const knownKeys = new Map<string, Set<string>>();
  let trackedKeys = 0;
  const recentSeen = new Map<string, string>();
  const recentSoul = toRecentSoul(root);
  const types = new Set(options.recordTypes);
  let recentBaseline = true;
  /** When the recent node is next read: 0 while it exists, later after a not-found. */
  let recentNextAt = 0;
  // What changed shortly before the first read of a node may have been missed by the full scan
  // that ran beside the subscription's start: the baseline reports changes stamped after this
  // (relay and writer clocks, so with a minute of slack).
  const baselineFrom = (options.wallNow ?? Date.now)() - baselineSlackMs;
  const minIntervalMs = Math.min(options.minIntervalMs, options.maxIntervalMs);
  let interval = options.maxIntervalMs;
  const failing = new Set<string>();

  const watchedOf = (soul: string, recordType: string | null): Watched => ({
    soul,
    signalSoul: `${toRelayIndexSoul(soul)}/${soul}`,
    recordType,
    storedAt: undefined,
    nextAt: 0,
    gapMs: options.maxIntervalMs * presentEvery,
    dirty: false,
    keysOnly: false,
    pending: [],
    sweep: null,
  });
  const watched: Watched[] = [
    ...options.recordTypes.map((type) => watchedOf(toIndexSoul(root, type), type)),
    ...(onDeletions ? [watchedOf(toDeletedIndexSoul(deletedRoot), null)] : []),
  ];

  const warnOnce = (key: string, result: ReadResult<unknown>, what: string) => {
    if (result.status !== 'error') {
      failing.delete(key);
      return;
    }
    if (failing.has(key)) return;
    if (failing.size < 1000) failing.add(key);
    log.warn({ err: result.error, soul: key }, what);
  };

  const isRecent = (time: number | null) => time !== null && time >= baselineFrom;

  const report = (entry: IndexEntry) => {
    if (signal.aborted || !types.has(entry.recordType)) return;
    if (changes.isNew(entry)) {
      lastChangeAt = now();
      onEntry(entry);
    }
  };

  /** The recent node: every field whose value changed since the last cycle. */
  async function pollRecent(via: NodeSource): Promise<void> {
    const read = await via.readNode(recentSoul, { signal, complete: () => true });
    warnOnce(recentSoul, read, 'recent changes poll failed');
    if (read.status === 'not-found') recentPresent = false;
    if (read.status !== 'found') {
      recentBaseline = false;
      // Absent (no gun-sync writer on this relay yet, or an OIP relay's 3 s not-found): probed
      // again after `recentAbsentEvery` pauses, or at once when the bookkeeping lists it.
      if (read.status === 'not-found')
        recentNextAt = now() + options.maxIntervalMs * recentAbsentEvery;
      return;
    }
    recentNextAt = 0;
    recentPresent = true;
    const deleted: string[] = [];
    for (const [field, value] of Object.entries(read.value)) {
      if (typeof value !== 'string' || recentSeen.get(field) === value) continue;
      recentSeen.delete(field);
      recentSeen.set(field, value);
      if (recentSeen.size > maxRecentFields)
        recentSeen.delete(recentSeen.keys().next().value as string);
      const change = decodeRecentValue(value);
      if (recentBaseline && !(change?.kind === 'registration' && isRecent(change.entry.timestamp)))
        continue;
      if (change?.kind === 'registration') report(change.entry);
      else if (change?.kind === 'deletion') deleted.push(change.did);
    }
    recentBaseline = false;
    if (deleted.length > 0 && onDeletions && !signal.aborted) {
      lastChangeAt = now();
      onDeletions({ dids: deleted });
    }
  }

  /** Resolves up to `perRound` pending keys and swept children of `w`, as the budget allows. */
  async function resolveSome(w: Watched): Promise<void> {
    if (w.recordType === null) return;
    for (let n = perRound; n > 0 && !signal.aborted; n--) {
      let item = w.pending.shift();
      const sweep = w.sweep;
      if (item === undefined && sweep) {
        item = sweep.items[sweep.cursor];
        sweep.cursor = (sweep.cursor + 1) % sweep.items.length;
        if (--sweep.left <= 0) w.sweep = null;
      }
      if (item === undefined) return;
      const via = budget.tryTake();
      if (!via) {
        w.pending.unshift(item); // next round
        return;
      }
      const [key, value] = item;
      const entry = await resolveIndexEntry(via, w.recordType, key, value, signal);
      warnOnce(`${w.soul}/${key}`, entry, 'index entry unreadable');
      if (entry.status === 'found') report(entry.value);
    }
  }

  /** One type's (or the deletion index's) change signal, then what changed. */
  async function checkWatched(w: Watched): Promise<void> {
    // Work already known comes before new signal reads (they share one budget), but a sweep
    // still reads the signal when it is due: a move renews the sweep's circle.
    if (w.dirty && !w.sweep) return readIndex(w, false);
    const busy = w.pending.length > 0 || w.sweep !== null;
    const via = now() < w.nextAt ? null : budget.tryTake();
    if (!via) return busy ? resolveSome(w) : undefined;
    const read = await via.readNode(w.signalSoul, {
      signal,
      complete: (node) => 'storedAt' in node,
    });
    warnOnce(w.signalSoul, read, 'registry change signal unreadable');
    if (read.status === 'error') return;
    const idle = now() - lastChangeAt > options.maxIntervalMs * 4;
    if (read.status === 'not-found') {
      w.storedAt = null;
      w.nextAt = now() + options.maxIntervalMs * absentEvery;
      return;
    }
    const storedAt = typeof read.value.storedAt === 'number' ? read.value.storedAt : null;
    const first = w.storedAt === undefined;
    const moved = !first && storedAt !== w.storedAt;
    // Quick while this index (or anything) changes; idle, the gap doubles up to `presentEvery`
    // pauses. (A gap taken from the global state alone kept a steady trickle of legacy changes,
    // one per second, at the idle gap: each read came later than the "recent change" window.)
    w.gapMs =
      moved || !idle
        ? minIntervalMs * 4
        : Math.min(w.gapMs * 2, options.maxIntervalMs * presentEvery);
    w.nextAt = now() + w.gapMs;
    w.storedAt = storedAt;
    if (w.recordType === null) {
      // As for a type index, a first read whose signal is recent reports it: the deletion may
      // have come after the full scan's read (the first read can be late, behind the budget).
      if ((moved || (first && isRecent(storedAt))) && onDeletions) {
        lastChangeAt = now();
        onDeletions({ dids: null });
      }
      return;
    }
    if (moved && w.sweep) {
      // A child changed while the sweep goes on: a whole circle from here reads it; the index
      // itself (for new keys) is read once the sweep is over.
      w.sweep.left = w.sweep.items.length;
      w.dirty = true;
      w.keysOnly = true;
      lastChangeAt = now();
    } else if (moved) w.dirty = true;
    if (!w.sweep && (first || w.dirty)) await readIndex(w, first);
    else if (busy) await resolveSome(w);
  }

  /** The index node after its signal moved: new keys resolved, or a sweep for a changed one. */
  async function readIndex(w: Watched, first: boolean): Promise<void> {
    const again = () => {
      if (first) w.storedAt = undefined; // the baseline is taken next round
    };
    const via = budget.tryTake();
    if (!via) return again(); // the index is read next round (still dirty)
    const index = await readIndexListing(via, w.soul, { signal });
    if (index.status === 'error') return again();
    w.dirty = false;
    const keysOnly = w.keysOnly;
    w.keysOnly = false;
    if (index.status !== 'found') return;
    const { keys } = index.value;
    let known = knownKeys.get(w.soul);
    if (!known) knownKeys.set(w.soul, (known = new Set()));
    const fresh = keys.filter((key) => !known.has(key));
    for (const key of fresh) {
      if (trackedKeys >= options.maxTrackedKeys) break;
      known.add(key);
      trackedKeys += 1;
    }
    // The baseline: what is there already is the full scan's, unless it changed just now.
    if (first && !isRecent(w.storedAt ?? null)) return;
    // Keys with their values (links): nothing needs the index node again.
    const item = (key: string): [string, unknown] => [key, index.value.valueOf(key)];
    if (!first) w.pending.push(...fresh.slice(0, perRound * 4).map(item));
    // No new key: an entry was registered again, its child has a new timestamp. Sweep the
    // children (an index too large to sweep is left to the full scans' rechecks).
    if ((first || fresh.length === 0) && !keysOnly && keys.length > 0 && keys.length <= maxSweep)
      w.sweep = { items: keys.map(item), cursor: 0, left: keys.length };
    lastChangeAt = now();
    await resolveSome(w);
  }

  /** Absent indexes (and the recent node) the relay's bookkeeping now lists are due at once. */
  const bookkeepingSoul = toRelayIndexSoul(root);
  let bookkeepingAt = 0;
  async function checkBookkeeping(): Promise<void> {
    const via = now() < bookkeepingAt ? null : budget.tryTake();
    if (!via) return;
    bookkeepingAt = now() + options.maxIntervalMs * bookkeepingEvery;
    const read = await via.readNode(bookkeepingSoul, { signal });
    warnOnce(bookkeepingSoul, read, 'relay bookkeeping unreadable');
    if (read.status !== 'found') return;
    if (recentNextAt > now() && Object.hasOwn(read.value, recentSoul)) recentNextAt = 0;
    for (const w of watched)
      if (w.storedAt === null && Object.hasOwn(read.value, w.soul)) {
        log.debug({ soul: w.soul }, 'index appeared in the relay bookkeeping');
        w.nextAt = 0;
      }
  }

  let legacyRound: Promise<void> | null = null;
  let rotate = 0;
  const startLegacyRound = () => {
    if (legacyRound) return;
    const t = now();
    // Types the bookkeeping does not list are probed as rarely as absent ones.
    const stored = options.storedTypes?.() ?? null;
    for (const w of watched)
      if (w.storedAt === undefined && w.recordType && stored && !stored.has(w.recordType)) {
        w.storedAt = null;
        w.nextAt = t + options.maxIntervalMs * absentEvery;
      }
    const due = watched.filter((w) => w.nextAt <= t || w.dirty || w.pending.length > 0 || w.sweep);
    const someAbsent = recentNextAt > t || watched.some((w) => w.storedAt === null);
    const watchBookkeeping = someAbsent && t >= bookkeepingAt;
    if (due.length === 0 && !watchBookkeeping) return;
    rotate = (rotate + 1) % watched.length;
    due.sort((a, b) => watched.indexOf(a) - watched.indexOf(b));
    const start = due.length > 0 ? rotate % due.length : 0;
    const ordered = [...due.slice(start), ...due.slice(0, start)];
    legacyRound = mapLimited(ordered, legacyConcurrency, checkWatched)
      .then(() => (watchBookkeeping ? checkBookkeeping() : undefined))
      .catch((err: unknown) => log.warn({ err }, 'legacy index poll failed'))
      .finally(() => {
        legacyRound = null;
      });
  };

  let recentRound: Promise<void> | null = null;
  while (!signal.aborted) {
    const recentDue = now() >= recentNextAt;
    const wait = recentDue ? recentBudget.waitMs() : 0;
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    const before = lastChangeAt;
    // Legacy signals run beside the recent polls, and neither waits for the other: a slow
    // not-found (3 s on OIP's relay) holds up only its own side.
    startLegacyRound();
    const via: NodeSource | null = !recentRound && recentDue ? recentBudget.tryTake() : null;
    if (via)
      recentRound = pollRecent(via)
        .catch((err: unknown) => log.warn({ err }, 'recent changes poll failed'))
        .finally(() => {
          recentRound = null;
        });
    if (recentRound)
      await Promise.race([recentRound, sleep(options.maxIntervalMs, undefined, { signal })]).catch(
        () => undefined,
      );
    interval =
      lastChangeAt !== before || now() - lastChangeAt < minIntervalMs * 4
        ? minIntervalMs
        : Math.min(interval * 2, options.maxIntervalMs);
    await sleep(interval, undefined, { signal }).catch(() => undefined);
  }
  // Assigned in the rounds' callbacks: the compiler cannot see that here.
  const lastRound = legacyRound as Promise<void> | null;
  const lastRecent = recentRound;
  await Promise.all([lastRound, lastRecent]);
}
