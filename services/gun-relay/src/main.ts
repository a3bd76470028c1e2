import { createLogger } from '@sync/logging';
import { ConfigError } from '@sync/config';
import { SyncError, createShutdown, unsoundJsonRuntime } from '@sync/runtime';
import { loadRelayConfig } from './config.js';
import { importRadiskUsage, runImportRadisk } from './import-radisk-command.js';
import { startRelay } from './relay.js';

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
