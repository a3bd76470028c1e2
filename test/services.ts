/**
 * The integration services as test/global-setup.ts found and checked them: from the
 * environment, from .local/services.env (written by infra/local/services.sh up), or started by
 * the setup itself. Tests ask serviceUrls() instead of reading the environment.
 */
import { inject } from 'vitest';

/** Where a service came from. */
export type ServiceSource = 'env' | 'services.env' | 'testcontainers' | 'in-process';

export interface ServiceUrls {
  /** redis://host:port of a Redis with maxmemory-policy noeviction. */
  redisUrl: string;
  /** http://host:port of one Elasticsearch 8 node. */
  elasticsearchUrl: string;
  /** GUN WebSocket endpoints of the relay (`…/gun`), for `Gun({ peers })`. */
  gunPeers: string[];
  /** http://host:port of the GUN relay (its /health and HTTP API). */
  gunRelayUrl: string;
  /** Elasticsearch version the setup read from the node. */
  elasticsearchVersion: string;
  sources: { redis: ServiceSource; elasticsearch: ServiceSource; gun: ServiceSource };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceUrls;
  }
}

/** The checked service URLs; throws when the file does not run in the integration project. */
export function serviceUrls(): ServiceUrls {
  const services = inject('services') as ServiceUrls | undefined;
  if (!services) {
    throw new Error(
      'no integration services: run this file in the vitest "integration" project (test/global-setup.ts)',
    );
  }
  return services;
}
