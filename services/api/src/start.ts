/**
 * The API as one unit, for main.ts and the one-process runner: clients, the Fastify app,
 * listening. close() stops accepting requests and drains them, then closes the clients.
 */
import type { Logger } from '@sync/logging';
import type { RunningService } from '@sync/runtime';
import { buildApp, type ApiApp } from './app.js';
import type { ApiConfig } from './config.js';
import { createDeps } from './deps.js';
import { readStatus } from './routes/status.js';
import { startStatusSampler } from './status/sampler.js';

export interface ApiRuntime extends RunningService {
  app: ApiApp;
  /** http://host:port the API listens on. */
  url: string;
  nodeId: string;
}

export async function startApi(
  config: ApiConfig,
  log: Logger,
  { isShuttingDown }: { isShuttingDown: () => boolean },
): Promise<ApiRuntime> {
  const deps = await createDeps(config, log);
  let app: ApiApp;
  try {
    app = await buildApp({ ...deps, log, config, isShuttingDown });
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await deps.close();
    throw err;
  }
  const sampler = startStatusSampler(
    () =>
      readStatus({
        ...deps,
        config,
        checkTimeoutMs: config.http.checkTimeoutMs,
        now: Date.now,
      }),
    deps.series.stepMs,
    log,
  );
  if (!config.http.adminToken)
    log.warn('API_ADMIN_TOKEN is not set: admin routes and the dashboard answer 403');
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  log.info({ fingerprint: config.fingerprint, url, nodeId: deps.nodeId }, 'api started');
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    nodeId: deps.nodeId,
    ready: () => !closing,
    close() {
      closing ??= (async () => {
        await sampler.close();
        await app.close();
        await deps.close();
      })();
      return closing;
    },
  };
}
