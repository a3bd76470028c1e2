/**
 * The one error handler: 4xx keep their message, Redis being unreachable is a 503 (producers
 * fail fast instead of queueing commands), everything else is a generic 500. Always logged.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** ioredis with enableOfflineQueue false / maxRetriesPerRequest 1 rejects with these. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return true;
  return /enableOfflineQueue|Connection is closed|Stream isn't writeable/.test(err.message);
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    request.log.info({ err, statusCode: status }, 'request rejected');
    return reply.code(status).send({
      statusCode: status,
      code: err.code,
      error: STATUS_CODES[status] ?? 'Client Error',
      message: err.message,
    });
  }
  if (isRedisUnavailable(err)) {
    request.log.warn({ err }, 'redis unavailable');
    return reply.code(503).send({
      statusCode: 503,
      code: 'SYNC_REDIS_UNAVAILABLE',
      error: 'Service Unavailable',
      message: 'Redis is unreachable; try again later',
    });
  }
  request.log.error({ err }, 'request failed');
  return reply.code(500).send({
    statusCode: 500,
    code: 'SYNC_INTERNAL',
    error: 'Internal Server Error',
    message: 'internal error',
  });
}
