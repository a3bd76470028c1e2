/** OpenAPI from the route schemas (@fastify/swagger) and Swagger UI at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@sync/logging';

export async function registerDocs(
  app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>,
  version: string,
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'gun-sync API',
        description:
          'OIP-compatible sync health, force sync, dead letters, registry writes, metrics and probes. Admin routes take Authorization: Bearer <API_ADMIN_TOKEN>.',
        version,
      },
      tags: [
        { name: 'health', description: "OIP's /api/health/gun-sync family" },
        { name: 'dead letters', description: 'Records no retry could fix' },
        { name: 'registry', description: "This node's registrations in the GUN registry" },
        { name: 'probes', description: 'Liveness, readiness and metrics' },
      ],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
