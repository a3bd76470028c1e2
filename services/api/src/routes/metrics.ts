/** GET /metrics: Prometheus text, the pipeline's shared picture read fresh on every scrape. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { DeadLetters, Stats } from '@sync/state';
import { runChecks, type DependencyCheck, type PeerProbe } from '../checks.js';
import { isRedisUnavailable } from '../error-handler.js';
import type { ApiMetrics } from '../metrics.js';
import type { PipelineView } from '../pipeline-view.js';
import { authErrors, ErrorReply } from '../schemas/common.js';

export interface MetricsRoutesOptions {
  registry: Registry;
  metrics: ApiMetrics;
  stats: Pick<Stats, 'snapshot'>;
  deadLetters: Pick<DeadLetters, 'countByReason'>;
  pipeline: PipelineView;
  checks: Record<string, DependencyCheck>;
  peers: PeerProbe;
  checkTimeoutMs: number;
  errorWindowMinutes: number;
  now: () => number;
  readGuard: onRequestAsyncHookHandler;
}

export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRoutesOptions> = async (app, opts) => {
  app.get(
    '/metrics',
    {
      onRequest: opts.readGuard,
      schema: {
        tags: ['probes'],
        summary: 'Prometheus metrics',
        description:
          'Pipeline counters by outcome and reason, scan durations, BullMQ queue counts, lag, rate limits and dead letters (shared state in Redis), whether each dependency answers, plus this process. While Redis cannot be read, only the dependency and process metrics.',
        produces: ['text/plain'],
        response: {
          200: Type.String({ description: 'Prometheus text exposition format' }),
          ...authErrors,
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const now = opts.now();
      const [dependencies, peers, picture] = await Promise.all([
        runChecks(opts.checks, opts.checkTimeoutMs),
        opts.peers(),
        Promise.all([
          opts.stats.snapshot(now, opts.errorWindowMinutes),
          opts.pipeline.read(),
          opts.deadLetters.countByReason(),
        ]).catch((err: unknown) => {
          if (!isRedisUnavailable(err)) throw err;
          request.log.warn({ err }, 'metrics: redis unavailable');
          return null;
        }),
      ]);
      opts.metrics.refreshDependencies(dependencies, peers);
      if (picture === null) opts.metrics.clearPipeline();
      else {
        const [snapshot, queues, deadLettersByReason] = picture;
        opts.metrics.refresh({ now, snapshot, queues, deadLettersByReason });
      }
      return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
    },
  );
};
