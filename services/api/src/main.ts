import { ConfigError } from '@sync/config';
import { createLogger } from '@sync/logging';
import { createShutdown } from '@sync/runtime';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { createDeps } from './deps.js';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const log = createLogger({ service: 'api', level: config.logLevel, pretty: config.logPretty });
  const shutdown = createShutdown({ log, timeoutMs: config.shutdownTimeoutMs });
  const deps = createDeps(config, log);
  shutdown.add('clients', () => deps.close());
  const app = await buildApp({
    log,
    checks: deps.checks,
    isShuttingDown: () => shutdown.isShuttingDown(),
  });
  shutdown.add('http', () => app.close());
  shutdown.listen();
  await app.listen({ host: config.http.host, port: config.http.port });
  log.info({ fingerprint: config.fingerprint, port: config.http.port }, 'api started');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.lines.join('\n')}\n`);
    process.exit(78);
  }
  createLogger({ service: 'api', level: 'fatal' }).fatal({ err }, 'startup failed');
  process.exit(1);
});
