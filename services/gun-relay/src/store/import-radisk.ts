/**
 * Copies a radisk folder (OIP's relay keeps it in `data/`) into a `GraphStore`: every file
 * radisk wrote is parsed with radisk's own reader, and each `soul ESC key → {value, state}`
 * becomes a field write with its GUN state, so HAM decides against what the store already
 * holds (running it twice, or over a store a relay already filled, keeps the newer values).
 * Files are read one at a time and written in batches: memory stays flat whatever the size.
 * Unreadable files and entries are counted and skipped, never fatal.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
// Loads gun quietly (its welcome line kept off stdout) before radisk requires it.
import '@sync/gun-client/gun';
import type { FieldWrite, GraphStore, GunValue } from './graph-store.js';

/** radisk's directory file (its list of files) and our own database files are not data. */
const directoryFile = '%1C';
const notData = (name: string) =>
  name === directoryFile || name.endsWith('.tmp') || name.startsWith('gun-relay.sqlite');

const esc = String.fromCharCode(27);

export interface RadiskImportCounts {
  files: number;
  unreadableFiles: number;
  fields: number;
  /** Fields the store already held with a newer (or the same) state. */
  olderThanStore: number;
  /** Entries that were not a `soul ESC key` field with a value and a state. */
  skippedEntries: number;
  /** Nodes in the store after the import. */
  storeNodes: number;
}

interface Radisk {
  parse(file: string, cb: (err: unknown, disk?: unknown) => void): void;
}
interface RadiskModule {
  (opt: Record<string, unknown>): Radisk;
  decode(this: void, text: string, o: null, s: string): unknown;
  Radix: { map(tree: unknown, cb: (value: unknown, key: string) => unknown): unknown };
}

const require = createRequire(import.meta.url);

function isGunValue(value: unknown): value is GunValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return typeof value === 'object' && typeof (value as { '#'?: unknown })['#'] === 'string';
}

/** One radisk entry as a field write, or null when it is not one. */
export function toFieldWrite(
  path: string,
  stored: unknown,
  decode: RadiskModule['decode'],
): FieldWrite | null {
  const first = path.indexOf(esc);
  if (first <= 0) return null;
  const soul = path.slice(0, first);
  const key = path.slice(path.lastIndexOf(esc) + 1);
  let value: unknown;
  let state: unknown;
  if (typeof stored === 'string') {
    // radisk's older format: "<encoded value>><encoded state>".
    const cut = stored.lastIndexOf('>');
    if (cut < 0) return null;
    value = decode(stored.slice(0, cut), null, esc);
    state = decode(stored.slice(cut + 1), null, esc);
  } else if (typeof stored === 'object' && stored !== null) {
    value = (stored as Record<string, unknown>)[':'];
    state = (stored as Record<string, unknown>)['>'];
  }
  if (!isGunValue(value) || typeof state !== 'number' || !Number.isFinite(state)) return null;
  return { soul, key, value, state };
}

export interface ImportRadiskOptions {
  radiskDir: string;
  store: GraphStore;
  batchSize?: number;
  onFile?: (counts: RadiskImportCounts) => void;
}

export async function importRadisk({
  radiskDir,
  store,
  batchSize = 5000,
  onFile,
}: ImportRadiskOptions): Promise<RadiskImportCounts> {
  if (!statSync(radiskDir).isDirectory()) throw new Error(`${radiskDir} is not a folder`);
  const Radisk = require('gun/lib/radisk') as RadiskModule;
  const rfs = require('gun/lib/rfs') as (opt: Record<string, unknown>) => unknown;
  const opt = { file: radiskDir, log: () => undefined };
  const radisk = Radisk({ ...opt, store: rfs(opt) });
  const counts: RadiskImportCounts = {
    files: 0,
    unreadableFiles: 0,
    fields: 0,
    olderThanStore: 0,
    skippedEntries: 0,
    storeNodes: 0,
  };
  let batch: FieldWrite[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const outcomes = store.write(batch);
    counts.fields += batch.length;
    counts.olderThanStore += outcomes.filter((o) => !o.kept).length;
    batch = [];
  };

  const files = readdirSync(radiskDir)
    .filter((name) => !notData(name) && statSync(join(radiskDir, name)).isFile())
    .sort();
  for (const name of files) {
    let file: string;
    try {
      file = decodeURIComponent(name);
    } catch {
      counts.unreadableFiles += 1;
      continue;
    }
    const disk = await new Promise<unknown>((resolve) =>
      radisk.parse(file, (err, parsed) => resolve(err ? undefined : parsed)),
    );
    counts.files += 1;
    if (disk === undefined) {
      counts.unreadableFiles += 1;
      continue;
    }
    Radisk.Radix.map(disk, (stored, path) => {
      const field = toFieldWrite(path, stored, Radisk.decode);
      if (!field) {
        counts.skippedEntries += 1;
        return undefined;
      }
      batch.push(field);
      if (batch.length >= batchSize) flush();
      return undefined;
    });
    flush();
    onFile?.({ ...counts });
  }
  counts.storeNodes = store.countNodes();
  return counts;
}
