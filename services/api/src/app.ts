import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import type { RegistryWriter } from '@sync/gun-client';
import type { Reconciler } from '@sync/discovery/reconcile';
import type { Logger } from '@sync/logging';
import type { DeadLetters, Stats } from '@sync/state';
import { makeAdminGuard, makeOptionalGuard } from './auth.js';
import type { DependencyCheck, PeerProbe } from './checks.js';
import type { ApiConfig } from './config.js';
import { errorHandler } from './error-handler.js';
import { createApiMetrics } from './metrics.js';
import type { PipelineView } from './pipeline-view.js';
import { bullBoard } from './plugins/bull-board.js';
import { registerDocs } from './plugins/docs.js';
import { registerTracing } from './plugins/otel.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { probeRoutes } from './routes/probes.js';
import { reconcileRoutes } from './routes/reconcile.js';
import { registryRoutes } from './routes/registry.js';
import { statusRoutes } from './routes/status.js';
import type { StatusSeries } from './status/status-series.js';
import type { SyncControl } from './sync-control.js';

/** Everything the routes use, as narrow interfaces; `createDeps` builds the real ones. */
export interface ApiDeps {
  log: Logger;
  config: ApiConfig;
  /** This node's registry id (GUN_NODE_ID_OVERRIDE, or the one kept in Redis). */
  nodeId: string;
  checks: Record<string, DependencyCheck>;
  peers: PeerProbe;
  stats: Pick<Stats, 'snapshot'>;
  deadLetters: Pick<DeadLetters, 'list' | 'get' | 'remove' | 'count' | 'countByReason'>;
  pipeline: PipelineView;
  control: SyncControl;
  registryWriter: Pick<RegistryWriter, 'register'>;
  /** GET/POST /api/reconcile: the registry against the index, on demand. */
  reconciler: Pick<Reconciler, 'run'>;
  /** The status page's samples of the last hour (Redis). */
  series: StatusSeries;
  /** A fresh prom-client registry; the API's gauges are registered on it. */
  metricsRegistry: Registry;
  /** Queues shown on the dashboard. */
  dashboardQueues: readonly Queue[];
  isShuttingDown?: () => boolean;
  now?: () => number;
}

export const dashboardPath = '/admin/queues';

/** Builds the Fastify app from its dependencies; never listens (main.ts does). */
export async function buildApp(deps: ApiDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const base = Fastify({
    loggerInstance: deps.log,
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 10_000,
    // Unknown body fields are rejected (400), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });
  // Before any route: @fastify/otel wraps routes and hooks as they are added, and
  // @fastify/swagger collects them.
  await registerTracing(base);
  await registerDocs(base, config.version);
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.setErrorHandler(errorHandler);

  const adminGuard = makeAdminGuard({ token: config.http.adminToken });
  const readGuard = makeOptionalGuard(config.http.healthAuth, config.http.adminToken);

  await app.register(probeRoutes, {
    isShuttingDown: deps.isShuttingDown ?? (() => false),
  });
  await app.register(healthRoutes, {
    config,
    nodeId: deps.nodeId,
    stats: deps.stats,
    deadLetters: deps.deadLetters,
    pipeline: deps.pipeline,
    peers: deps.peers,
    checks: deps.checks,
    checkTimeoutMs: config.http.checkTimeoutMs,
    control: deps.control,
    now,
    adminGuard,
    readGuard,
  });
  await app.register(statusRoutes, {
    config,
    nodeId: deps.nodeId,
    stats: deps.stats,
    deadLetters: deps.deadLetters,
    pipeline: deps.pipeline,
    peers: deps.peers,
    checks: deps.checks,
    checkTimeoutMs: config.http.checkTimeoutMs,
    series: deps.series,
    now,
    readGuard,
  });
  await app.register(deadLetterRoutes, {
    deadLetters: deps.deadLetters,
    control: deps.control,
    adminGuard,
  });
  await app.register(registryRoutes, {
    nodeId: deps.nodeId,
    writer: deps.registryWriter,
    writeTimeoutMs: config.gun.writeTimeoutMs,
    now,
    adminGuard,
  });
  await app.register(reconcileRoutes, { reconciler: deps.reconciler, adminGuard });
  await app.register(metricsRoutes, {
    registry: deps.metricsRegistry,
    metrics: createApiMetrics(deps.metricsRegistry),
    stats: deps.stats,
    deadLetters: deps.deadLetters,
    pipeline: deps.pipeline,
    checks: deps.checks,
    peers: deps.peers,
    checkTimeoutMs: config.http.checkTimeoutMs,
    errorWindowMinutes: config.health.errorWindowMinutes,
    now,
    readGuard,
  });
  await app.register(bullBoard, {
    queues: deps.dashboardQueues,
    basePath: dashboardPath,
    guard: makeAdminGuard({ token: config.http.adminToken, basic: true }),
  });
  return app;
}

export type ApiApp = Awaited<ReturnType<typeof buildApp>>;
