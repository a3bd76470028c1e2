/**
 * Kubernetes probes. Neither calls a dependency:
 * - /healthz (liveness): the process answers.
 * - /readyz (readiness): the API can serve its own routes, i.e. it is up and not shutting down.
 *   An outage of Redis, Elasticsearch or GUN must not take the API out of its Service: the
 *   health route is what reports that outage (its `dependencies` and 503), and /metrics exports
 *   it as `sync_dependency_up`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface ProbeRoutesOptions {
  isShuttingDown: () => boolean;
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('shutting-down')]),
});

export const probeRoutes: FastifyPluginAsyncTypebox<ProbeRoutesOptions> = async (
  app,
  { isShuttingDown },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['probes'],
        summary: 'Liveness: the process answers (no dependency is called)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['probes'],
        summary: 'Readiness: the API serves its routes (no dependency is called)',
        description:
          'Ready unless shutting down. Dependency outages are reported by GET /api/health/gun-sync (503 with the reason) and /metrics (sync_dependency_up), not by taking the API out of service.',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_req, reply) =>
      isShuttingDown()
        ? reply.code(503).send({ status: 'shutting-down' })
        : reply.code(200).send({ status: 'ready' }),
  );
};
