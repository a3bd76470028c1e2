/**
 * Reconciliation on demand, behind the admin token (docs/api.md, "Reconcile"):
 * GET  /api/reconcile   the registry (every relay, both layouts, deletions) against the index
 * POST /api/reconcile   the same, and enqueue the jobs that heal what it found (`--fix`)
 * A run that cannot complete answers 503 with one line (400 for an unknown type), never a
 * partial report.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import { ReconcileError, type Reconciler } from '@sync/discovery/reconcile';
import { adminSecurity, authErrors, ErrorReply } from '../schemas/common.js';
import { ReconcileFixBody, ReconcileQuery, ReconcileReport } from '../schemas/reconcile.js';

export interface ReconcileRoutesOptions {
  reconciler: Pick<Reconciler, 'run'>;
  adminGuard: onRequestAsyncHookHandler;
}

const path = '/api/reconcile';

export const reconcileRoutes: FastifyPluginAsyncTypebox<ReconcileRoutesOptions> = async (
  app,
  { reconciler, adminGuard },
) => {
  app.addHook('onRequest', adminGuard);

  const failed = (reply: FastifyReply, err: unknown) => {
    if (!(err instanceof ReconcileError)) throw err;
    const status = err.kind === 'bad-input' ? 400 : 503;
    reply.log.warn({ err }, 'reconciliation could not run');
    return reply.code(status).send({
      statusCode: status,
      code: err.code,
      error: status === 400 ? 'Bad Request' : 'Service Unavailable',
      message: err.message,
    });
  };
  const response = { 200: ReconcileReport, 400: ErrorReply, ...authErrors, 503: ErrorReply };

  app.get(
    path,
    {
      schema: {
        tags: ['reconcile'],
        summary: 'Compare the registry with the index (read only)',
        security: adminSecurity,
        querystring: ReconcileQuery,
        response,
      },
    },
    async (request, reply) => {
      const { type, deep } = request.query;
      try {
        return await reconciler.run({ ...(type ? { type } : {}), deep });
      } catch (err) {
        return failed(reply, err);
      }
    },
  );

  app.post(
    path,
    {
      schema: {
        tags: ['reconcile'],
        summary: 'Compare the registry with the index and enqueue the jobs that heal it',
        security: adminSecurity,
        body: ReconcileFixBody,
        response,
      },
    },
    async (request, reply) => {
      const { type, deep, deleteOrphans } = request.body;
      try {
        return await reconciler.run({ ...(type ? { type } : {}), deep, fix: true, deleteOrphans });
      } catch (err) {
        return failed(reply, err);
      }
    },
  );
};
