/** Kubernetes probes: /healthz never touches a dependency; /readyz checks each one, time-boxed. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { runChecks, type DependencyCheck } from '../checks.js';

export interface ProbeRoutesOptions {
  checks: Record<string, DependencyCheck>;
  timeoutMs: number;
  isShuttingDown: () => boolean;
}

const CheckResult = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.Union([
    Type.Literal('ready'),
    Type.Literal('not-ready'),
    Type.Literal('shutting-down'),
  ]),
  checks: Type.Record(Type.String(), CheckResult),
});

export const probeRoutes: FastifyPluginAsyncTypebox<ProbeRoutesOptions> = async (
  app,
  { checks, timeoutMs, isShuttingDown },
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
        summary:
          'Readiness: Redis, Elasticsearch and at least one GUN peer answer, each time-boxed',
        response: { 200: Readiness, 503: Readiness },
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
