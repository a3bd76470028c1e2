/**
 * The reference model of the convergence test: what two independent relays hold (record nodes,
 * registrations per layout, deletion marks) and, from that alone, what the index must end as
 * (issue 15's contract): for every soul that some relay registers in some layout, the newest
 * record version any relay holds, or nothing when a listed deletion is at least as new.
 * Pure: no I/O, no clock.
 */
import type { JsonObject } from '@sync/records';

export type RelayName = 'a' | 'b';
export type Target = RelayName | 'both';
export type Layout = 'legacy' | 'v2' | 'both';

export const relayNames: readonly RelayName[] = ['a', 'b'];

export function relaysOf(target: Target): RelayName[] {
  return target === 'both' ? ['a', 'b'] : [target];
}

/** One published version of a record: its `oip.indexedAt` (ms) and its `data`. */
export interface RecordVersion {
  at: number;
  data: JsonObject;
}

export interface SoulState {
  /** `<publisherHash>:<localId>` */
  soul: string;
  localId: string;
  /** Fixed per soul: a record switching between public and private is not modelled. */
  private: boolean;
  /** Every version ever published, oldest first (replays pick from here). */
  history: RecordVersion[];
  /** The record node each relay holds now (the last one put there). */
  held: Partial<Record<RelayName, RecordVersion>>;
  /** Layouts each relay lists the soul in. */
  registered: Record<RelayName, { legacy: boolean; v2: boolean }>;
  /** The deletion mark (written to both relays): its deletedAt, and whether the index lists it. */
  deletion?: { at: number; listed: boolean };
}

export interface Model {
  souls: SoulState[];
  /** The logical clock every version and deletion takes its time from (strictly rising). */
  clock: number;
}

export interface ExpectedDocument {
  soul: string;
  version: number;
  data: JsonObject;
}

export function createModel(
  souls: readonly Omit<SoulState, 'history' | 'held' | 'registered'>[],
  start: number,
): Model {
  return {
    clock: start,
    souls: souls.map((s) => ({
      ...s,
      history: [],
      held: {},
      registered: { a: { legacy: false, v2: false }, b: { legacy: false, v2: false } },
    })),
  };
}

/** The next time on the logical clock: every event gets its own, so no two versions tie. */
export function tick(model: Model): number {
  model.clock += 1_000;
  return model.clock;
}

export function isRegistered(state: SoulState): boolean {
  return relayNames.some((r) => state.registered[r].legacy || state.registered[r].v2);
}

/** The newest record version any relay holds. */
export function newestHeld(state: SoulState): RecordVersion | undefined {
  let newest: RecordVersion | undefined;
  for (const r of relayNames) {
    const v = state.held[r];
    if (v && (!newest || v.at > newest.at)) newest = v;
  }
  return newest;
}

export function register(state: SoulState, target: Target, layout: Layout): void {
  for (const r of relaysOf(target)) {
    if (layout !== 'v2') state.registered[r].legacy = true;
    if (layout !== 'legacy') state.registered[r].v2 = true;
  }
}

/** What the index must hold for `state` once everything has settled. */
export function expectedDocument(state: SoulState): ExpectedDocument | undefined {
  if (!isRegistered(state)) return undefined;
  const newest = newestHeld(state);
  if (!newest) return undefined;
  // A deletion wins a tie (the indexer skips a version its tombstone covers).
  if (state.deletion?.listed && state.deletion.at >= newest.at) return undefined;
  return { soul: state.soul, version: newest.at, data: newest.data };
}

/** The whole expected index, by document id (`did:gun:<soul>`). */
export function expectedIndex(model: Model): Map<string, ExpectedDocument> {
  const index = new Map<string, ExpectedDocument>();
  for (const state of model.souls) {
    const doc = expectedDocument(state);
    if (doc) index.set(`did:gun:${doc.soul}`, doc);
  }
  return index;
}

/** A line per soul for failure reports: no record content, only versions and flags. */
export function describeSoul(state: SoulState): string {
  const held = relayNames.map((r) => `${r}=${state.held[r]?.at ?? '-'}`).join(' ');
  const reg = relayNames
    .map((r) => `${r}:${state.registered[r].legacy ? 'L' : ''}${state.registered[r].v2 ? 'V' : ''}`)
    .join(' ');
  const del = state.deletion
    ? `deleted@${state.deletion.at}${state.deletion.listed ? '' : '(undone)'}`
    : '';
  return `${state.soul} held[${held}] reg[${reg}] ${del}`.trim();
}
