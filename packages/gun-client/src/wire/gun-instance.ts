/**
 * The one place a GUN instance is made. Every instance gets the settings this project requires
 * (no UDP multicast, no stats file, no localStorage, no AXE); readers and writers also get no
 * disk store at all. `closeGun` stops reconnect timers and closes every socket so processes
 * and test runners can exit.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';

/** A peer as GUN's mesh keeps it in `opt.peers`. */
interface GunPeer {
  id?: string;
  url?: string;
  wire?: { close?: () => void; terminate?: () => void; readyState?: number } | null;
  defer?: ReturnType<typeof setTimeout>;
  met?: number;
}

/** A listener handle of GUN's event emitter (`onto`). */
export interface GunListener {
  off(): void;
  to: { next(msg: unknown): void };
}

/** The internals of a GUN root (`gun._`) this package uses. */
export interface GunRoot {
  graph: Record<string, unknown>;
  next?: Record<string, unknown>;
  opt: {
    peers: Record<string, GunPeer>;
    mesh?: { near?: number; hi?: (peer: unknown) => void };
    ws?: { web?: { clients?: Set<{ terminate(): void }>; close(cb?: () => void): void } };
  };
  on(tag: string, fn: (this: GunListener, msg: never) => void): GunListener;
  on(tag: string, msg: unknown): void;
}

/** GUN's chain API, for callers that want it despite its memory cost (see gun-ask.ts). */
export interface GunChain {
  put(data: unknown, ack?: (ack: { err?: string; ok?: unknown }) => void): GunChain;
  once(
    cb: (data: Record<string, unknown> | undefined, key: string) => void,
    options?: { wait?: number },
  ): GunChain;
  off(): void;
}

export interface GunInstance {
  _: GunRoot;
  get(soul: string): GunChain;
}

interface GunStatic {
  (options: Record<string, unknown>): GunInstance;
  state(): number;
  log: { off?: boolean };
}

// gun is CommonJS and registers its Node modules (ws wire, radisk) on require.
const require = createRequire(import.meta.url);

/**
 * Loads gun, keeping what it prints while loading (its welcome line) off stdout: our stdout is
 * one JSON log event per line. The lines are kept in `gunLoadMessages` for a service to log.
 */
function loadGun(): { gun: GunStatic; printed: string[] } {
  const printed: string[] = [];
  /* eslint-disable no-console -- the only place console is touched: to take gun's load-time lines */
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    return { gun: require('gun') as GunStatic, printed };
  } finally {
    console.log = original;
  }
  /* eslint-enable no-console */
}

const loaded = loadGun();
const Gun = loaded.gun;

/** What gun printed while it was loaded (its welcome line), for a service to log once. */
export const gunLoadMessages: readonly string[] = loaded.printed;

/** GUN's HAM state for a write made now (milliseconds, drift-corrected by GUN). */
export function gunState(): number {
  return Gun.state();
}

const requiredOptions = {
  multicast: false,
  stats: false,
  localStorage: false,
  axe: false,
} as const;

/** GUN logs to the console (e.g. "0 length key!" on some disk reads); our services log with pino. */
function quietGun(options: Record<string, unknown>): GunInstance {
  Gun.log.off = true;
  return Gun(options);
}

export interface ClientGunOptions {
  /** WebSocket endpoints (`http(s)://host/gun` or `ws(s)://host/gun`). */
  peers: readonly string[];
}

/** A GUN peer that only talks to its peers: no disk, nothing served. */
export function createClientGun({ peers }: ClientGunOptions): GunInstance {
  return quietGun({
    ...requiredOptions,
    radisk: false,
    rfs: false,
    super: false,
    peers: [...peers],
  });
}

/**
 * Who stores a relay's graph: GUN's radisk, nobody (memory only, acknowledged from memory), or
 * an adapter the caller attaches to GUN's `put`/`get` events (it acknowledges writes itself).
 */
export type ServerGunStore = 'radisk' | 'memory' | 'adapter';

export interface ServerGunOptions {
  web: Server;
  peers: readonly string[];
  /** radisk folder; ignored unless `store` is radisk. */
  file: string;
  store: ServerGunStore;
}

/**
 * A relay's GUN: serves GUN's WebSocket on `web` at /gun and stores with radisk in `file`, in
 * memory, or through an adapter. A relay (a GUN "super" peer) only dials its peers when it
 * first has something to send, so it greets them at once: peering is up before the first
 * request.
 */
export function createServerGun({ web, peers, file, store }: ServerGunOptions): GunInstance {
  const radisk = store === 'radisk';
  const gun = quietGun({ ...requiredOptions, web, file, radisk, rfs: radisk, peers: [...peers] });
  if (store === 'memory') {
    ackFromMemory(gun._);
    answerMissesFromMemory(gun._);
  }
  if (peers.length > 0) gun._.on('out', { dam: 'hi' });
  return gun;
}

/**
 * Without a disk store nothing in GUN acknowledges a write, so writers wait forever. A relay
 * kept in memory acknowledges each accepted field once its graph holds it, as the disk store
 * does once the disk holds it.
 */
function ackFromMemory(root: GunRoot): void {
  root.on('put', function (this: GunListener, msg: { '#': unknown }) {
    this.to.next(msg);
    root.on('in', { '@': msg['#'], ok: 1 });
  });
}

/**
 * A disk store answers a get for a node it does not hold with an empty reply, which is how a
 * reader learns "nobody here has it" before its timeout. GUN's memory stays silent, so a
 * relay kept in memory answers a miss itself, as GUN's own localStorage adapter does
 * (`Gun.on.get.ack(msg, undefined)`): for a node its graph does not hold, or a field the node
 * lacks. Its peers are asked all the same and their answers still reach the reader.
 */
function answerMissesFromMemory(root: GunRoot): void {
  root.on(
    'get',
    function (this: GunListener, msg: { '#'?: unknown; get?: { '#'?: unknown; '.'?: unknown } }) {
      this.to.next(msg);
      const soul = msg.get?.['#'];
      const key = msg.get?.['.'];
      if (typeof soul !== 'string' || msg['#'] === undefined) return;
      const node = root.graph[soul] as Record<string, unknown> | undefined;
      const missing = node === undefined || (typeof key === 'string' && !Object.hasOwn(node, key));
      if (missing) root.on('in', { '@': msg['#'] });
    },
  );
}

function isOpen(peer: GunPeer): boolean {
  return Boolean(peer.wire) && (peer.wire?.readyState === undefined || peer.wire.readyState === 1);
}

/** Number of peers whose socket is open, incoming connections included. */
export function countOpenPeers(root: GunRoot): number {
  return Object.values(root.opt.peers).filter(isOpen).length;
}

/** Number of configured (dialled) peers whose socket is open. */
export function countOpenOutgoingPeers(root: GunRoot): number {
  return Object.values(root.opt.peers).filter((peer) => peer.url !== undefined && isOpen(peer))
    .length;
}

/** Closes every outgoing and incoming GUN socket and stops reconnecting. Idempotent. */
export function closeGun(gun: GunInstance): Promise<void> {
  const opt = gun._.opt;
  for (const [key, peer] of Object.entries(opt.peers)) {
    delete opt.peers[key]; // GUN only reconnects peers still listed
    if (peer.defer) clearTimeout(peer.defer);
    const wire = peer.wire;
    peer.wire = null;
    try {
      if (wire?.terminate) wire.terminate();
      else wire?.close?.();
    } catch {
      // a socket that is already closed cannot fail us here
    }
  }
  const server = opt.ws?.web;
  if (!server) return Promise.resolve();
  for (const client of server.clients ?? []) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}
