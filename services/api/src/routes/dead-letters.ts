/**
 * The dead-letter set (records no retry could fix), all behind the admin token:
 * GET    /api/dead-letters          list, newest failure first, optionally of one reason
 * POST   /api/dead-letters/retry    re-run discovery for one soul, or for every soul of a reason
 * DELETE /api/dead-letters?soul=…   drop one entry (the record stays unsynced until it changes)
 * A retry leaves the entry in place; the pipeline removes it when the record syncs.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { DeadLetters } from '@sync/state';
import { adminSecurity, authErrors, ErrorReply, errorReply } from '../schemas/common.js';
import {
  DeadLetterList,
  DeadLetterQuery,
  Dropped,
  DropQuery,
  RetryAccepted,
  RetryBody,
} from '../schemas/dead-letters.js';
import type { SyncControl } from '../sync-control.js';

export interface DeadLetterRoutesOptions {
  deadLetters: Pick<DeadLetters, 'list' | 'get' | 'remove' | 'countByReason'>;
  control: Pick<SyncControl, 'retrySouls'>;
  adminGuard: onRequestAsyncHookHandler;
}

const base = '/api/dead-letters';
const shownJobIds = 100;
const retryPage = 1_000;
const notFound = (soul: string) => ({
  statusCode: 404,
  code: 'SYNC_NOT_DEAD_LETTERED',
  error: 'Not Found',
  message: `no dead letter for soul ${JSON.stringify(soul)}`,
});

export const deadLetterRoutes: FastifyPluginAsyncTypebox<DeadLetterRoutesOptions> = async (
  app,
  { deadLetters, control, adminGuard },
) => {
  app.addHook('onRequest', adminGuard);

  app.get(
    base,
    {
      schema: {
        tags: ['dead letters'],
        summary: 'List dead-lettered records',
        security: adminSecurity,
        querystring: DeadLetterQuery,
        response: { 200: DeadLetterList, 400: ErrorReply, ...authErrors, 503: ErrorReply },
      },
    },
    async (request) => {
      const { reason, offset, limit } = request.query;
      const [page, byReason] = await Promise.all([
        deadLetters.list({ ...(reason ? { reason } : {}), offset, limit }),
        deadLetters.countByReason(),
      ]);
      return {
        total: page.total,
        offset,
        limit,
        byReason,
        items: page.items.map((d) => ({
          ...d,
          firstFailedAt: new Date(d.firstFailedAt).toISOString(),
          lastFailedAt: new Date(d.lastFailedAt).toISOString(),
        })),
      };
    },
  );

  app.post(
    `${base}/retry`,
    {
      schema: {
        tags: ['dead letters'],
        summary: 'Retry one dead letter, or every one of a reason',
        description:
          "Forgets each soul's watermark and enqueues a forced discovery of it (202). The entries stay until their records sync.",
        security: adminSecurity,
        body: RetryBody,
        response: {
          202: RetryAccepted,
          400: ErrorReply,
          ...authErrors,
          404: errorReply('No dead letter for that soul'),
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { soul, reason } = request.body;
      if (soul !== undefined) {
        if (!(await deadLetters.get(soul))) return reply.code(404).send(notFound(soul));
        const jobIds = await control.retrySouls([soul]);
        request.log.info({ count: 1 }, 'dead letters retried');
        return reply.code(202).send({ requested: 1, jobIds });
      }
      // Page through the reason's own set: memory stays bounded however many there are. The
      // entries stay until their records sync, so the pages do not shift under the loop.
      let requested = 0;
      const jobIds: string[] = [];
      for (let offset = 0; ; offset += retryPage) {
        const page = await deadLetters.list({ reason, offset, limit: retryPage });
        if (page.items.length === 0) break;
        const ids = await control.retrySouls(page.items.map((d) => d.soul));
        requested += page.items.length;
        jobIds.push(...ids.slice(0, shownJobIds - jobIds.length));
        if (offset + retryPage >= page.total) break;
      }
      request.log.info({ count: requested, reason }, 'dead letters retried');
      return reply.code(202).send({ requested, jobIds });
    },
  );

  app.delete(
    base,
    {
      schema: {
        tags: ['dead letters'],
        summary: 'Drop one dead letter',
        security: adminSecurity,
        querystring: DropQuery,
        response: {
          200: Dropped,
          400: ErrorReply,
          ...authErrors,
          404: errorReply('No dead letter for that soul'),
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { soul } = request.query;
      if (!(await deadLetters.remove(soul))) return reply.code(404).send(notFound(soul));
      request.log.info({ soul }, 'dead letter dropped');
      return { soul, dropped: true as const };
    },
  );
};
