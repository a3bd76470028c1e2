/**
 * The relay's durable store in `node:sqlite` (built into Node 24): one row per field
 * `(soul, key) → (JSON value, state)`. A write batch is one transaction in WAL mode with
 * `synchronous=FULL`, so it has reached the disk when `write` returns and a crashed process or
 * machine keeps every batch that returned. Writes follow GUN's HAM field by field (`isNewerField`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  isNewerField,
  type GraphStore,
  type GunValue,
  type KeyFilter,
  type StoredField,
  type WriteOutcome,
} from './graph-store.js';

export interface SqliteGraphStoreOptions {
  /** The database file (created with its folder); `:memory:` for tests. */
  path: string;
  /** sqlite page cache, in KiB (default 16 MiB). */
  cacheKiB?: number;
}

interface Row {
  key: string;
  value: string;
  state: number;
}

const toField = (row: Row): StoredField => ({
  key: row.key,
  value: JSON.parse(row.value) as GunValue,
  state: row.state,
});

export function matchesKey(key: string, filter: KeyFilter): boolean {
  if (filter.equals !== undefined && key !== filter.equals) return false;
  if (filter.prefix !== undefined && !key.startsWith(filter.prefix)) return false;
  if (filter.from !== undefined && key < filter.from) return false;
  if (filter.to !== undefined && key > filter.to) return false;
  return true;
}

export function createSqliteGraphStore({
  path,
  cacheKiB = 16 * 1024,
}: SqliteGraphStoreOptions): GraphStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 5000;
    PRAGMA cache_size = -${Math.max(1, Math.trunc(cacheKiB))};
    CREATE TABLE IF NOT EXISTS field (
      soul TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      state REAL NOT NULL,
      PRIMARY KEY (soul, key)
    ) WITHOUT ROWID;
  `);
  const selectField = db.prepare('SELECT key, value, state FROM field WHERE soul = ? AND key = ?');
  const selectNode = db.prepare('SELECT key, value, state FROM field WHERE soul = ?');
  const upsert = db.prepare(
    'INSERT INTO field (soul, key, value, state) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (soul, key) DO UPDATE SET value = excluded.value, state = excluded.state',
  );
  const countSouls = db.prepare('SELECT COUNT(*) AS n FROM (SELECT DISTINCT soul FROM field)');
  let closed = false;

  return {
    write(fields) {
      const outcomes: WriteOutcome[] = [];
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const field of fields) {
          const row = selectField.get(field.soul, field.key) as Row | undefined;
          const current = row && toField(row);
          if (current && !isNewerField(field, current)) {
            outcomes.push({ kept: false, current });
            continue;
          }
          upsert.run(field.soul, field.key, JSON.stringify(field.value), field.state);
          outcomes.push({ kept: true });
        }
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
      return outcomes;
    },
    readNode(soul, filter) {
      if (filter?.equals !== undefined) {
        const row = selectField.get(soul, filter.equals) as Row | undefined;
        return row ? [toField(row)] : [];
      }
      const rows = (selectNode.all(soul) as unknown as Row[]).map(toField);
      return filter ? rows.filter((field) => matchesKey(field.key, filter)) : rows;
    },
    countNodes() {
      return Number((countSouls.get() as { n: number }).n);
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
