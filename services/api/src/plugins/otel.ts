/**
 * Request spans (@fastify/otel): one span per request, continuing a `traceparent` the caller
 * sends, with child spans for hooks and the handler; the Elasticsearch and queue spans a route
 * starts hang below. A no-op while tracing is off (no provider registered). Probes and
 * /metrics are left out: scraped every few seconds, they would drown the traces that matter.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@sync/logging';

const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

export async function registerTracing(
  app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>,
): Promise<void> {
  const instrumentation = new FastifyOtelInstrumentation({
    ignorePaths: (route) => UNTRACED.has(route.url),
  });
  await app.register(instrumentation.plugin());
}
