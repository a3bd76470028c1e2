/**
 * OIP's sync health endpoints (spec §7), kept at their paths:
 * GET  /api/health/gun-sync             the health report; 200 healthy, 503 unhealthy or unavailable
 * POST /api/health/gun-sync/force       asks for a scan now; 202 at once with a handle
 * GET  /api/health/gun-sync/force/{id}  the handle: state, progress and outcome of that scan
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import { isRedisUnavailable } from '../error-handler.js';
import { readHealth, type HealthSources } from '../health/read-health.js';
import { adminSecurity, authErrors, ErrorReply, errorReply } from '../schemas/common.js';
import { ForceAccepted, ForceBody, ForceParams, ForceStatus } from '../schemas/force.js';
import { HealthReport, HealthUnavailable } from '../schemas/health.js';
import type { ScanRequest, SyncControl } from '../sync-control.js';

export interface HealthRoutesOptions extends HealthSources {
  control: SyncControl;
  now: () => number;
  /** Guards the state-changing route. */
  adminGuard: onRequestAsyncHookHandler;
  /** Guards the read routes (a no-op unless API_HEALTH_AUTH). */
  readGuard: onRequestAsyncHookHandler;
}

const base = '/api/health/gun-sync';
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The scope's own field must be there, and no other scope's. */
function scopeProblem({ scope, recordType, soul }: ForceBody): string | null {
  if (scope === 'type' && recordType === undefined) {
    return 'body/recordType is required with scope "type"';
  }
  if (scope === 'soul' && soul === undefined) return 'body/soul is required with scope "soul"';
  if (scope !== 'type' && scope !== 'soul' && recordType !== undefined) {
    return 'body/recordType is only allowed with scope "type" or "soul"';
  }
  if (scope !== 'soul' && soul !== undefined) return 'body/soul is only allowed with scope "soul"';
  return null;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, opts) => {
  const { control, now } = opts;

  app.get(
    base,
    {
      onRequest: opts.readGuard,
      schema: {
        tags: ['health'],
        summary: 'Sync health in OIP’s JSON shape',
        description:
          'Healthy when the last full scan ended recently, the pipeline makes progress whenever records wait, and few records failed in the recent window (docs/api.md). 200 when healthy, 503 when not, with the same body.',
        response: {
          200: HealthReport,
          401: authErrors[401],
          403: authErrors[403],
          503: Type.Union([HealthReport, HealthUnavailable], {
            description: 'Unhealthy, or the state cannot be read',
          }),
        },
      },
    },
    async (request, reply) => {
      try {
        const { report } = await readHealth(opts, now());
        return reply.code(report.healthy ? 200 : 503).send(report.body);
      } catch (err) {
        if (!isRedisUnavailable(err)) throw err;
        request.log.warn({ err }, 'health: redis unavailable');
        return reply.code(503).send({
          service: 'gun-sync',
          status: 'unavailable',
          message: 'the pipeline state in Redis cannot be read',
        });
      }
    },
  );

  app.post(
    `${base}/force`,
    {
      onRequest: opts.adminGuard,
      // OIP's clients POST without a body: validate an empty one, so the defaults apply.
      preValidation: async (request) => {
        request.body ??= {} as ForceBody;
      },
      schema: {
        tags: ['health'],
        summary: 'Ask for a registry scan now',
        description:
          'Answers at once (202) with a handle; follow it with GET /api/health/gun-sync/force/{id}. The body is optional (default: a full scan). An identical request that is still waiting or running returns its handle instead of queueing another scan.',
        security: adminSecurity,
        body: ForceBody,
        response: { 202: ForceAccepted, 400: ErrorReply, ...authErrors, 503: ErrorReply },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const problem = scopeProblem(body);
      if (problem) {
        return reply.code(400).send({
          statusCode: 400,
          code: 'SYNC_BAD_SCOPE',
          error: 'Bad Request',
          message: problem,
        });
      }
      const scan: ScanRequest = {
        scope: body.scope,
        recordType: body.recordType,
        soul: body.soul,
        ignoreWatermarks: body.ignoreWatermarks,
      };
      const { id, deduplicated } = await control.requestScan(scan);
      request.log.info({ handle: id, scope: scan.scope, deduplicated }, 'scan requested');
      const statusUrl = `${base}/force/${id}`;
      return reply
        .code(202)
        .header('location', statusUrl)
        .send({
          message: deduplicated
            ? 'An identical sync request is already pending'
            : 'Sync cycle requested',
          timestamp: new Date(now()).toISOString(),
          id,
          deduplicated,
          statusUrl,
        });
    },
  );

  app.get(
    `${base}/force/:id`,
    {
      onRequest: opts.readGuard,
      schema: {
        tags: ['health'],
        summary: 'Follow a requested scan',
        description:
          'State (waiting, active, completed, failed), progress while it runs, the summary or failure reason when done.',
        params: ForceParams,
        response: {
          200: ForceStatus,
          400: ErrorReply,
          401: authErrors[401],
          403: authErrors[403],
          404: errorReply('No such handle (unknown, or removed a day after it finished)'),
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const status = await control.scanStatus(request.params.id);
      if (!status) {
        return reply.code(404).send({
          statusCode: 404,
          code: 'SYNC_UNKNOWN_HANDLE',
          error: 'Not Found',
          message: 'no such sync request',
        });
      }
      return {
        ...status,
        startedAt: iso(status.startedAt),
        finishedAt: iso(status.finishedAt),
      };
    },
  );
};
