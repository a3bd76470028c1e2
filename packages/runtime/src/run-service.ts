/**
 * The shape of every service's main.ts, written once: load the config (a bad value prints one
 * line per variable and exits 78; a Node.js whose JSON.parse corrupts keys stops it too), make the logger and the metrics registry, start the
 * service (with tracing when an OTLP endpoint is set), serve probes, and wire graceful shutdown (first signal drains, second forces).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createLogger, type LogLevel, type Logger } from '@sync/logging';
import { setupTracing } from '@sync/tracing';
import { startProbeServer } from './probe-server.js';
import { createShutdown, type Shutdown } from './shutdown.js';
import { unsoundJsonRuntime } from './json-runtime.js';
import { SyncError } from './sync-error.js';

export interface ServiceConfigBase {
  logLevel: LogLevel;
  logPretty?: boolean | undefined;
  shutdownTimeoutMs: number;
  version?: string | undefined;
  /** Worker probe server; absent for services that serve their own HTTP. */
  probe?: { host: string; port: number } | undefined;
  /** OpenTelemetry export; no endpoint: tracing stays off. */
  tracing?: { endpoint?: string | undefined; serviceName?: string | undefined } | undefined;
}

export interface RunningService {
  ready(): boolean;
  close(): Promise<void>;
}

export interface RunServiceOptions<C extends ServiceConfigBase> {
  service: string;
  loadConfig: (env: Readonly<Record<string, string | undefined>>) => C;
  start: (context: {
    config: C;
    log: Logger;
    registry: Registry;
    shutdown: Shutdown;
  }) => Promise<RunningService>;
  /** The process environment, handed over by the calling main.ts. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit code of a process stopped by its configuration (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

function configLines(err: unknown): readonly string[] | undefined {
  if (
    err instanceof SyncError &&
    err.code === 'SYNC_CONFIG_INVALID' &&
    'lines' in err &&
    Array.isArray(err.lines)
  )
    return err.lines as string[];
  return undefined;
}

export function runService<C extends ServiceConfigBase>({
  service,
  loadConfig,
  start,
  env,
}: RunServiceOptions<C>): void {
  const main = async () => {
    const unsound = unsoundJsonRuntime();
    if (unsound) throw new SyncError('SYNC_RUNTIME_UNSOUND', unsound);
    const config = loadConfig(env);
    const log = createLogger({
      service,
      level: config.logLevel,
      ...(config.logPretty !== undefined ? { pretty: config.logPretty } : {}),
      ...(config.version ? { version: config.version } : {}),
    });
    const shutdown = createShutdown({ log, timeoutMs: config.shutdownTimeoutMs });
    shutdown.listen();
    const serviceName = config.tracing?.serviceName ?? `gun-sync-${service}`;
    const tracing = setupTracing({ endpoint: config.tracing?.endpoint, serviceName });
    // Added before the service, so it closes after it: spans of the drain are exported too.
    shutdown.add('tracing', () => tracing.shutdown());
    if (tracing.enabled) log.info({ serviceName }, 'traces exported over OTLP');
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const running = await start({ config, log, registry, shutdown });
    shutdown.add(service, () => running.close());
    if (config.probe) {
      const probes = await startProbeServer({
        ...config.probe,
        registry,
        ready: () => running.ready() && !shutdown.isShuttingDown(),
      });
      // Added after the service, so it closes first: the pod stops being ready before it drains.
      shutdown.add('probes', () => probes.close());
      log.info({ port: probes.port }, 'probes listening');
    }
  };
  main().catch((err: unknown) => {
    const lines = configLines(err);
    if (lines) {
      process.stderr.write(`${lines.join('\n')}\n`);
      process.exit(EXIT_CONFIG);
    }
    createLogger({ service, level: 'fatal' }).fatal({ err }, 'startup failed');
    process.exit(1);
  });
}
