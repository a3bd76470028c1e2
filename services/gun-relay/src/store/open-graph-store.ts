/**
 * The sqlite store of a relay, wired into its GUN: the database `gun-relay.sqlite` in the data
 * folder, the adapter that serves GUN's put and get from it, and the pruner that keeps GUN's
 * graph within its byte budget.
 */
import { join } from 'node:path';
import type { GunRoot } from '@sync/gun-client/gun';
import type { Logger } from '@sync/logging';
import { createGraphPruner } from './graph-pruner.js';
import { attachStoreAdapter, type StoreAdapterStats } from './gun-store-adapter.js';
import { createSqliteGraphStore } from './sqlite-graph-store.js';

export const sqliteFileName = 'gun-relay.sqlite';

export interface OpenedGraphStore {
  path: string;
  stats(): StoreAdapterStats & { graphBytes: number; graphNodes: number };
  /** Commits what is queued and closes the database. Idempotent. */
  close(): void;
}

export function openGraphStore(
  root: GunRoot,
  { dataDir, graphMaxBytes, log }: { dataDir: string; graphMaxBytes: number; log: Logger },
): OpenedGraphStore {
  const path = join(dataDir, sqliteFileName);
  const store = createSqliteGraphStore({ path });
  const pruner = createGraphPruner(root.graph, { maxBytes: graphMaxBytes });
  const adapter = attachStoreAdapter(root, { store, pruner, log });
  return {
    path,
    stats: () => {
      const { bytes, nodes } = pruner.size();
      return { ...adapter.stats(), graphBytes: bytes, graphNodes: nodes };
    },
    close() {
      adapter.close();
      store.close();
    },
  };
}
