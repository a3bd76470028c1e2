import { createLogger } from '@sync/logging';
import { ConfigError } from '@sync/config';
import { createShutdown } from '@sync/runtime';
import { loadRelayConfig } from './config.js';
import { startRelay } from './relay.js';

async function main(): Promise<void> {
  const config = loadRelayConfig(process.env);
  const log = createLogger({
    service: 'gun-relay',
    level: config.logLevel,
    pretty: config.logPretty,
  });
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
