/**
 * `gun-relay import-radisk <radisk folder>`: copies an OIP relay's radisk folder into this
 * relay's sqlite store (GUN_RELAY_DATA_DIR/gun-relay.sqlite) and logs the counts. Stop the
 * relay that writes the radisk folder first; the sqlite store may be in use by a running relay.
 */
import { join } from 'node:path';
import type { Logger } from '@sync/logging';
import { importRadisk, type RadiskImportCounts } from './store/import-radisk.js';
import { sqliteFileName } from './store/open-graph-store.js';
import { createSqliteGraphStore } from './store/sqlite-graph-store.js';

export const importRadiskUsage = 'usage: gun-relay import-radisk <radisk data folder>';

export async function runImportRadisk(
  radiskDir: string,
  { dataDir, log }: { dataDir: string; log: Logger },
): Promise<RadiskImportCounts> {
  const path = join(dataDir, sqliteFileName);
  const store = createSqliteGraphStore({ path });
  try {
    log.info({ radiskDir, store: path }, 'radisk import started');
    const counts = await importRadisk({
      radiskDir,
      store,
      onFile: (progress) =>
        log.debug({ files: progress.files, fields: progress.fields }, 'radisk file imported'),
    });
    log.info({ radiskDir, store: path, ...counts }, 'radisk import finished');
    return counts;
  } finally {
    store.close();
  }
}
