/**
 * The status page, served as it is (no build step):
 * GET /status             the page (HTML)
 * GET /status/status.js   its script: polls /api/status and draws the figures and charts
 * GET /api/status         the figures: the health report, the last scans, the reconciliation,
 *                         freshness (publish → indexed times of the last indexed records)
 *                         and the last hour of samples (status-series.ts)
 * Each /api/status read also records the sample of the current step (once per step across
 * replicas); main's sampler records them while nobody looks. Read routes: open unless
 * API_HEALTH_AUTH.
 */
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import { isRedisUnavailable } from '../error-handler.js';
import { readHealth, type HealthRead, type HealthSources } from '../health/read-health.js';
import { authErrors } from '../schemas/common.js';
import { HealthUnavailable } from '../schemas/health.js';
import { StatusReport } from '../schemas/status.js';
import type { StatusSample, StatusSeries } from '../status/status-series.js';

export interface StatusRoutesOptions extends HealthSources {
  series: StatusSeries;
  now: () => number;
  readGuard: onRequestAsyncHookHandler;
}

const publicFile = (name: string) =>
  readFileSync(new URL(`../status/public/${name}`, import.meta.url), 'utf8');

const iso = (ms: number) => new Date(ms).toISOString();

/** The sample of one read: depths, lag and the lifetime counters. */
export function toStatusSample({ report, snapshot }: HealthRead, at: number): StatusSample {
  const { body } = report;
  const pending = (name: string) => {
    const q = body.queues[name];
    return q ? q.waiting + q.prioritized + q.active : 0;
  };
  const counter = (name: string) => snapshot.counters[name] ?? 0;
  return {
    t: at,
    transform: pending('sync.transform'),
    index: pending('sync.index'),
    lagMs: body.lagMs,
    discovered: counter('discovered'),
    synced: counter('synced'),
    deleted: counter('deleted'),
    errors: counter('error'),
    deadLetters: body.deadLetters.total,
  };
}

/** Reads the status once and records its sample; what /api/status and the sampler share. */
export async function readStatus(opts: Omit<StatusRoutesOptions, 'readGuard'>) {
  const at = opts.now();
  const read = await readHealth(opts, at);
  await opts.series.record(toStatusSample(read, at));
  const samples = await opts.series.read(at);
  const { counters } = read.snapshot;
  return {
    report: read.report.body,
    scans: read.snapshot.cycles.slice(0, 10).map((c) => ({
      startedAt: iso(c.startedAt),
      endedAt: iso(c.endedAt),
      discovered: c.discovered,
      enqueued: c.enqueued,
      errors: c.errors,
    })),
    reconciliation:
      counters.reconciledDocuments === undefined
        ? null
        : { checked: counters.reconciledDocuments, orphans: counters.orphans ?? 0 },
    freshness: read.snapshot.freshness,
    series: { stepMs: opts.series.stepMs, samples },
  };
}

export const statusRoutes: FastifyPluginAsyncTypebox<StatusRoutesOptions> = async (app, opts) => {
  const html = publicFile('status.html');
  const script = publicFile('status.js');
  const page = { tags: ['status'], hide: true } as const;

  app.get(
    '/status',
    { onRequest: opts.readGuard, schema: { ...page, summary: 'The status page' } },
    async (_r, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html),
  );
  app.get(
    '/status/status.js',
    { onRequest: opts.readGuard, schema: { ...page, summary: 'The status page script' } },
    async (_r, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script),
  );
  app.get(
    '/api/status',
    {
      onRequest: opts.readGuard,
      schema: {
        tags: ['status'],
        summary: 'What the status page shows',
        description:
          'The health report, the last full scans, the last reconciliation and the last hour of samples (one per 10 s, kept in Redis). 200 whether healthy or not; 503 when Redis cannot be read.',
        response: { 200: StatusReport, ...authErrors, 503: HealthUnavailable },
      },
    },
    async (request, reply) => {
      try {
        return reply.send(await readStatus(opts));
      } catch (err) {
        if (!isRedisUnavailable(err)) throw err;
        request.log.warn({ err }, 'status: redis unavailable');
        return reply.code(503).send({
          service: 'gun-sync' as const,
          status: 'unavailable' as const,
          message: 'the pipeline state in Redis cannot be read',
        });
      }
    },
  );
};
