/**
 * The commands of the convergence test (fast-check model-based testing): each one changes the
 * reference model and does the same to the live system, the way an OIP node, an operator or a
 * crash would. Commands only write; the pipeline is never waited on in between, except where a
 * command is itself a sequence of live steps (an Elasticsearch rejection parked and retried).
 */
import fc from 'fast-check';
import type { JsonObject } from '@sync/records';
import { waitFor } from '../support/node.js';
import type { LiveSystem } from './live-system.js';
import {
  newestHeld,
  register,
  relayNames,
  relaysOf,
  tick,
  type Layout,
  type Model,
  type RecordVersion,
  type RelayName,
  type SoulState,
  type Target,
} from './model.js';

type Cmd = fc.AsyncCommand<Model, LiveSystem>;

interface Content {
  description: string;
  text: string;
}

function toData(soulIndex: number, at: number, content: Content, deep = false): JsonObject {
  const data: JsonObject = {
    basic: { name: `Model ${soulIndex} at ${at}`, description: content.description },
    post: { articleText: content.text },
  };
  // Three levels: refused while Elasticsearch allows `data` only two (refuseDeepData).
  if (deep) data.extra = { nested: { leaf: content.text } };
  return data;
}

const soul = (m: Readonly<Model>, i: number) => m.souls[i % m.souls.length];

/**
 * The first soul from index `i` on (cyclically) that `fits`: a command aimed at a soul it does
 * not apply to moves on to one it does, so few generated commands are skipped.
 */
function pickSoul(
  m: Readonly<Model>,
  i: number,
  fits: (s: SoulState) => boolean,
): number | undefined {
  for (let k = 0; k < m.souls.length; k++) {
    const index = (i + k) % m.souls.length;
    const s = m.souls[index];
    if (s && fits(s)) return index;
  }
  return undefined;
}

/** Publishes a new version on `target`, registered there in `layout`: a first publish or an update. */
class PublishCommand implements Cmd {
  constructor(
    readonly soulIndex: number,
    readonly target: Target,
    readonly layout: Layout,
    readonly content: Content,
  ) {}
  check(m: Readonly<Model>): boolean {
    return soul(m, this.soulIndex) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    const s = soul(m, this.soulIndex);
    if (!s) return;
    const version: RecordVersion = {
      at: tick(m),
      data: toData(this.soulIndex, m.clock, this.content),
    };
    await live.put(s, version, this.target);
    await live.register(s, this.target, this.layout);
    s.history.push(version);
    for (const r of relaysOf(this.target)) s.held[r] = version;
    register(s, this.target, this.layout);
  }
  toString(): string {
    return `publish(${this.soulIndex}, ${this.target}, ${this.layout})`;
  }
}

/** Registers the soul again (a new registry timestamp) without changing the record. */
class ReRegisterCommand implements Cmd {
  private ran: number | undefined;
  constructor(
    readonly soulIndex: number,
    readonly target: Target,
    readonly layout: Layout,
  ) {}
  private fits = (s: SoulState) => newestHeld(s) !== undefined;
  check(m: Readonly<Model>): boolean {
    return pickSoul(m, this.soulIndex, this.fits) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    this.ran = pickSoul(m, this.soulIndex, this.fits);
    const s = this.ran === undefined ? undefined : m.souls[this.ran];
    if (!s) return;
    await live.register(s, this.target, this.layout);
    register(s, this.target, this.layout);
  }
  toString(): string {
    return `reRegister(${this.ran ?? this.soulIndex}, ${this.target}, ${this.layout})`;
  }
}

/**
 * Puts an older version back on one relay and registers it there, as a node with a stale copy
 * republishing would. Only while the other relay still holds the newest version: a version no
 * relay holds any more is a truth the pipeline may never have seen.
 */
class ReplayCommand implements Cmd {
  private ran: { soul: number; relay: RelayName } | undefined;
  constructor(
    readonly soulIndex: number,
    readonly relay: RelayName,
    readonly pick: number,
    readonly layout: Layout,
  ) {}
  /** The relay to overwrite: one whose counterpart holds the newest version (`relay` first). */
  private relayFor(s: SoulState): RelayName | undefined {
    const newest = newestHeld(s);
    if (!newest || !s.history.some((v) => v.at < newest.at)) return undefined;
    const other = (r: RelayName): RelayName => (r === 'a' ? 'b' : 'a');
    return [this.relay, other(this.relay)].find((r) => s.held[other(r)]?.at === newest.at);
  }
  private fits = (s: SoulState) => this.relayFor(s) !== undefined;
  check(m: Readonly<Model>): boolean {
    return pickSoul(m, this.soulIndex, this.fits) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    const index = pickSoul(m, this.soulIndex, this.fits);
    const s = index === undefined ? undefined : m.souls[index];
    const relay = s && this.relayFor(s);
    const newest = s && newestHeld(s);
    if (index === undefined || !s || !relay || !newest) return;
    const older = s.history.filter((v) => v.at < newest.at);
    const version = older[this.pick % older.length] as RecordVersion;
    this.ran = { soul: index, relay };
    await live.put(s, version, relay);
    await live.register(s, relay, this.layout);
    s.held[relay] = version;
    register(s, relay, this.layout);
  }
  toString(): string {
    return `replayOlder(${this.ran?.soul ?? this.soulIndex}, ${this.ran?.relay ?? this.relay}, #${this.pick}, ${this.layout})`;
  }
}

/** Marks the record deleted on both relays (deletedAt from the logical clock). */
class DeleteCommand implements Cmd {
  private ran: number | undefined;
  constructor(readonly soulIndex: number) {}
  private fits = (s: SoulState) => s.history.length > 0;
  check(m: Readonly<Model>): boolean {
    return pickSoul(m, this.soulIndex, this.fits) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    this.ran = pickSoul(m, this.soulIndex, this.fits);
    const s = this.ran === undefined ? undefined : m.souls[this.ran];
    if (!s) return;
    const at = tick(m);
    await live.markDeleted(s, at);
    s.deletion = { at, listed: true };
  }
  toString(): string {
    return `delete(${this.ran ?? this.soulIndex})`;
  }
}

/** Un-deletes: the DID's deletion-index field set to null on both relays. */
class UndeleteCommand implements Cmd {
  private ran: number | undefined;
  constructor(readonly soulIndex: number) {}
  private fits = (s: SoulState) => s.deletion?.listed === true;
  check(m: Readonly<Model>): boolean {
    return pickSoul(m, this.soulIndex, this.fits) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    this.ran = pickSoul(m, this.soulIndex, this.fits);
    const s = this.ran === undefined ? undefined : m.souls[this.ran];
    if (!s?.deletion) return;
    await live.unmarkDeleted(s);
    s.deletion.listed = false;
  }
  toString(): string {
    return `undelete(${this.ran ?? this.soulIndex})`;
  }
}

/**
 * An update Elasticsearch refuses (its `data` deeper than the mapping allows for a moment): it
 * must be parked as `es-rejected` at its version; the operator restores the mapping and retries
 * it through the API's dead-letter route. Starts from a quiet pipeline so the narrowed mapping
 * refuses nothing else.
 */
class RejectedThenRetriedCommand implements Cmd {
  constructor(
    readonly soulIndex: number,
    readonly content: Content,
  ) {}
  check(m: Readonly<Model>): boolean {
    return soul(m, this.soulIndex) !== undefined;
  }
  async run(m: Model, live: LiveSystem): Promise<void> {
    const s = soul(m, this.soulIndex);
    if (!s) return;
    await live.waitQuiet('a quiet pipeline before narrowing the mapping');
    const version: RecordVersion = {
      at: tick(m),
      data: toData(this.soulIndex, m.clock, this.content, true),
    };
    await live.refuseDeepData(true);
    try {
      await live.put(s, version, 'both');
      await live.register(s, 'both', 'both');
      s.history.push(version);
      for (const r of relayNames) s.held[r] = version;
      register(s, 'both', 'both');
      await live.node.discover();
      await waitFor(
        `the refused version of ${s.soul} in the dead-letter set`,
        async () => {
          const entry = await live.deadLetters.get(s.soul);
          return entry?.stage === 'index' &&
            entry.reason === 'es-rejected' &&
            entry.version === version.at
            ? entry
            : undefined;
        },
        60_000,
        100,
      );
    } finally {
      await live.refuseDeepData(false);
    }
    const status = await live.retryDeadLetter(s.soul);
    if (status !== 202) throw new Error(`dead-letter retry of ${s.soul} answered ${status}`);
  }
  toString(): string {
    return `rejectedThenRetried(${this.soulIndex})`;
  }
}

/** Closes the whole node (workers drain) and starts it again on the same queues and index. */
class RestartNodeCommand implements Cmd {
  check(): boolean {
    return true;
  }
  async run(_m: Model, live: LiveSystem): Promise<void> {
    await live.restartNode();
  }
  toString(): string {
    return 'restartNode()';
  }
}

/** Queues a scan now (full, or the deletion registry), as a schedule or an operator would. */
class ScanCommand implements Cmd {
  constructor(readonly scope: 'all' | 'deletions') {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, live: LiveSystem): Promise<void> {
    await live.node.discover(this.scope);
  }
  toString(): string {
    return `scan(${this.scope})`;
  }
}

/**
 * Lets time pass: both scans, then every queue idle. Without it the commands come faster than
 * the pipeline and most states in between (a delete applied, then undone) would never exist.
 */
class SettleCommand implements Cmd {
  check(): boolean {
    return true;
  }
  async run(_m: Model, live: LiveSystem): Promise<void> {
    await live.node.discover('all');
    await live.node.discover('deletions');
    await live.waitQuiet('the pipeline to settle');
  }
  toString(): string {
    return 'settle()';
  }
}

export function commandArbitraries(soulCount: number): fc.Arbitrary<Cmd>[] {
  const soulIndex = fc.nat({ max: soulCount - 1 });
  const target = fc.constantFrom<Target>('a', 'b', 'both');
  const relay = fc.constantFrom<RelayName>('a', 'b');
  const layout = fc.constantFrom<Layout>('legacy', 'v2', 'both');
  const content = fc.record({
    description: fc.string({ maxLength: 24 }),
    text: fc.string({ maxLength: 48 }),
  });
  const publish = fc
    .tuple(soulIndex, target, layout, content)
    .map(([i, t, l, c]) => new PublishCommand(i, t, l, c));
  const replay = fc
    .tuple(soulIndex, relay, fc.nat({ max: 7 }), layout)
    .map(([i, r, p, l]) => new ReplayCommand(i, r, p, l));
  const undelete = soulIndex.map((i) => new UndeleteCommand(i));
  // fast-check picks each arbitrary equally often: the ones listed twice are twice as likely.
  return [
    publish,
    publish,
    publish,
    fc.tuple(soulIndex, target, layout).map(([i, t, l]) => new ReRegisterCommand(i, t, l)),
    replay,
    replay,
    soulIndex.map((i) => new DeleteCommand(i)),
    undelete,
    undelete,
    fc.tuple(soulIndex, content).map(([i, c]) => new RejectedThenRetriedCommand(i, c)),
    fc.constant(new RestartNodeCommand()),
    fc.constant(new SettleCommand()),
    fc.constant(new SettleCommand()),
    fc.constantFrom<'all' | 'deletions'>('all', 'deletions').map((s) => new ScanCommand(s)),
  ];
}
