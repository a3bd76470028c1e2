import Fastify from 'fastify';
import type { Logger } from '@sync/logging';
import type { DependencyCheck } from './checks.js';
import { probeRoutes } from './routes/probes.js';

export interface ApiDeps {
  log: Logger;
  checks: Record<string, DependencyCheck>;
  readinessTimeoutMs?: number;
  isShuttingDown?: () => boolean;
}

/** Builds the Fastify app from its dependencies; never listens (main.ts does). */
export async function buildApp(deps: ApiDeps) {
  const app = Fastify({
    loggerInstance: deps.log,
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 10_000,
    ajv: { customOptions: { removeAdditional: false } },
  });
  await app.register(probeRoutes, {
    checks: deps.checks,
    timeoutMs: deps.readinessTimeoutMs ?? 2_000,
    isShuttingDown: deps.isShuttingDown ?? (() => false),
  });
  return app;
}
