import { ConfigError } from '@sync/config';
import { createLogger } from '@sync/logging';
import { createShutdown } from '@sync/runtime';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { createDeps } from './deps.js';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const log = createLogger({
    service: 'api',
    level: config.logLevel,
    pretty: config.logPretty,
    version: config.version,
  });
  const shutdown = createShutdown({ log, timeoutMs: config.shutdownTimeoutMs });
  const deps = await createDeps(config, log);
  shutdown.add('clients', () => deps.close()); // added first → closed last
  const app = await buildApp({
    ...deps,
    log,
    config,
    isShuttingDown: () => shutdown.isShuttingDown(),
  });
  shutdown.add('http', () => app.close());
  shutdown.listen();
  await app.listen({ host: config.http.host, port: config.http.port });
  if (!config.http.adminToken)
    log.warn('API_ADMIN_TOKEN is not set: admin routes and the dashboard answer 403');
  log.info(
    { fingerprint: config.fingerprint, port: config.http.port, nodeId: deps.nodeId },
    'api started',
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.lines.join('\n')}\n`);
    process.exit(78);
  }
  createLogger({ service: 'api', level: 'fatal' }).fatal({ err }, 'startup failed');
  process.exit(1);
});
