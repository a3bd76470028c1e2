import type { FastifyPluginAsync } from 'fastify';
import { runChecks, type DependencyCheck } from '../checks.js';

export interface ProbeRoutesOptions {
  checks: Record<string, DependencyCheck>;
  timeoutMs: number;
  isShuttingDown: () => boolean;
}

const checkResult = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, error: { type: 'string' } },
  required: ['ok'],
  additionalProperties: false,
} as const;

/** /healthz never touches a dependency; /readyz checks each one, time-boxed. */
export const probeRoutes: FastifyPluginAsync<ProbeRoutesOptions> = async (
  app,
  { checks, timeoutMs, isShuttingDown },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        response: {
          '2xx': {
            type: 'object',
            properties: {
              status: { type: 'string' },
              checks: { type: 'object', additionalProperties: checkResult },
            },
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              checks: { type: 'object', additionalProperties: checkResult },
            },
          },
        },
      },
    },
    async (_req, reply) => {
      if (isShuttingDown()) return reply.code(503).send({ status: 'shutting-down', checks: {} });
      const results = await runChecks(checks, timeoutMs);
      const ready = Object.values(results).every((r) => r.ok);
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', checks: results });
    },
  );
};
