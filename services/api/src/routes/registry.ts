/**
 * POST /api/registry/records: registers a record this node published in the GUN registry
 * (spec §4), for OIP's publisher to call after it publishes. Validated before anything is
 * written: the soul must belong to the creator key (its first 12 hex are sha256 of the key, as
 * OIP computes them), the DID must be the soul's. Idempotent: a registration is one node per
 * (node, record) and one index field per record, so a repeat rewrites the same nodes; with the
 * same `timestamp` it is byte-identical.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { RegistryWriter } from '@sync/gun-client';
import { SyncError } from '@sync/runtime/errors';
import { adminSecurity, authErrors, ErrorReply, errorReply } from '../schemas/common.js';
import { Registered, RegisterBody } from '../schemas/registry.js';

export interface RegistryRoutesOptions {
  nodeId: string;
  writer: Pick<RegistryWriter, 'register'>;
  writeTimeoutMs: number;
  now: () => number;
  adminGuard: onRequestAsyncHookHandler;
}

/** OIP's publisher hash: the first 12 hex of sha256 over the key string itself (spec §2.2). */
export function toPublisherHash(creatorPubKey: string): string {
  return createHash('sha256').update(creatorPubKey, 'utf8').digest('hex').slice(0, 12);
}

function bodyProblem(body: RegisterBody): string | null {
  const hash = toPublisherHash(body.creatorPubKey);
  if (!body.soul.startsWith(`${hash}:`)) {
    return `body/soul must start with ${hash}: (the first 12 hex of sha256(creatorPubKey))`;
  }
  if (body.did !== undefined && body.did !== `did:gun:${body.soul}`) {
    return 'body/did must be did:gun:<soul>';
  }
  return null;
}

const badRequest = (message: string) => ({
  statusCode: 400,
  code: 'SYNC_BAD_REGISTRATION',
  error: 'Bad Request',
  message,
});

export const registryRoutes: FastifyPluginAsyncTypebox<RegistryRoutesOptions> = async (
  app,
  opts,
) => {
  app.post(
    '/api/registry/records',
    {
      onRequest: opts.adminGuard,
      schema: {
        tags: ['registry'],
        summary: 'Register a record of this node in the GUN registry',
        description:
          'Writes the node registry entry and the type index field under this node id, then reads them back. Call it again after an update with a later timestamp.',
        security: adminSecurity,
        body: RegisterBody,
        response: {
          200: Registered,
          400: ErrorReply,
          ...authErrors,
          502: errorReply('The GUN write failed or did not read back; retry later'),
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const problem = bodyProblem(body);
      if (problem) return reply.code(400).send(badRequest(problem));
      const did = `did:gun:${body.soul}`;
      const timestamp = body.timestamp ?? opts.now();
      try {
        await opts.writer.register(
          {
            recordType: body.recordType,
            soul: body.soul,
            did,
            creatorPubKey: body.creatorPubKey,
            nodeId: opts.nodeId,
            timestamp,
          },
          { signal: AbortSignal.timeout(opts.writeTimeoutMs) },
        );
      } catch (err) {
        request.log.warn({ err, soul: body.soul }, 'registration failed');
        // gun-client's InvalidPutError: a payload GUN cannot store (checked by code, so this
        // module does not load gun itself).
        if (err instanceof SyncError && err.code === 'SYNC_GUN_INVALID_PUT') {
          return reply.code(400).send(badRequest(err.message));
        }
        return reply.code(502).send({
          statusCode: 502,
          code: 'SYNC_REGISTRY_WRITE_FAILED',
          error: 'Bad Gateway',
          message: 'the GUN registry write failed; retry later',
        });
      }
      request.log.info({ soul: body.soul, recordType: body.recordType }, 'record registered');
      return {
        registered: true as const,
        did,
        soul: body.soul,
        recordType: body.recordType,
        nodeId: opts.nodeId,
        timestamp,
      };
    },
  );
};
