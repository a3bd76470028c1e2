import { getHeapStatistics } from 'node:v8';
import { createLogger } from '@sync/logging';
import { ConfigError } from '@sync/config';
import { SyncError, createShutdown, unsoundJsonRuntime } from '@sync/runtime';
import { loadRelayConfig } from './config.js';
import { importRadiskUsage, runImportRadisk } from './import-radisk-command.js';
import { startRelay } from './relay.js';

/** Below this V8 heap limit a radisk relay is warned about (radisk keeps every node in memory). */
const radiskHeapMiB = 1024;

async function main(): Promise<void> {
  const unsound = unsoundJsonRuntime();
  if (unsound) throw new SyncError('SYNC_RUNTIME_UNSOUND', unsound);
  const config = loadRelayConfig(process.env);
  const log = createLogger({
    service: 'gun-relay',
    level: config.logLevel,
    pretty: config.logPretty,
  });
  const [command, ...args] = process.argv.slice(2);
  if (command === 'import-radisk') {
    if (args.length !== 1 || !args[0]) {
      process.stderr.write(`${importRadiskUsage}\n`);
      process.exit(64);
    }
    await runImportRadisk(args[0], { dataDir: config.dataDir, log });
    return;
  }
  if (command !== undefined) {
    process.stderr.write(`unknown command ${JSON.stringify(command)}; ${importRadiskUsage}\n`);
    process.exit(64);
  }
  const heapMiB = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
  if (config.store === 'radisk' && heapMiB < radiskHeapMiB) {
    // The image's heap cap is sized for the sqlite store; radisk holds every node in memory.
    log.warn(
      { heapMiB, store: config.store },
      `radisk keeps every node in memory and may run out of this heap; raise it, e.g. NODE_OPTIONS=--max-old-space-size=4096 (about 2.6 GiB at 100,000 records, docs/deploy.md)`,
    );
  }
  const shutdown = createShutdown({ log, timeoutMs: config.shutdownTimeoutMs });
  const relay = await startRelay({ ...config, log });
  shutdown.add('relay', () => relay.close());
  shutdown.listen();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.lines.join('\n')}\n`);
    process.exit(78);
  }
  createLogger({ service: 'gun-relay', level: 'fatal' }).fatal({ err }, 'startup failed');
  process.exit(1);
});
