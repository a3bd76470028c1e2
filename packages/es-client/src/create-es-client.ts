/**
 * The one way to build an Elasticsearch client: the official 8.x client, basic auth only when
 * both a user and a password are configured, bounded request timeouts and transport retries.
 */
import { Client, type ClientOptions } from '@elastic/elasticsearch';

export interface EsClientConfig {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Timeout of one request (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * Transport-level retries of idempotent failures (default 3). The bulk writer turns them off
   * per request, because the indexer retries through its queue instead.
   */
  maxRetries?: number;
}

/** Creates a client; no request is sent until it is used. `close()` is safe to call twice. */
export function createEsClient(config: EsClientConfig): Client {
  const options: ClientOptions = {
    node: config.url,
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    maxRetries: config.maxRetries ?? 3,
    name: 'gun-sync',
  };
  if (config.username && config.password) {
    options.auth = { username: config.username, password: config.password };
  }
  return new Client(options);
}
