/**
 * `dlq list|retry`: a thin client of the API's dead-letter routes (docs/api.md), with the
 * admin token as a Bearer token.
 */
import { SyncError } from '@sync/runtime/errors';

export interface DlqClientOptions {
  url: string;
  adminToken: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface DeadLetterItem {
  soul: string;
  did?: string;
  stage: string;
  reason: string;
  detail: string;
  firstFailedAt: number;
  lastFailedAt: number;
  attempts: number;
}

export interface DeadLetterPage {
  total: number;
  offset: number;
  limit: number;
  byReason: Record<string, number>;
  items: DeadLetterItem[];
}

export interface RetryResult {
  requested: number;
  jobIds: string[];
}

export class ApiError extends SyncError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('SYNC_CLI_API', message, options);
  }
}

export function createDlqClient({
  url,
  adminToken,
  timeoutMs = 15_000,
  fetch: fetchFn = fetch,
}: DlqClientOptions) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    if (!adminToken)
      throw new ApiError('API_ADMIN_TOKEN is not set: the dead-letter routes need the admin token');
    let res: Response;
    try {
      res = await fetchFn(new URL(path, url), {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const reason =
        err instanceof Error
          ? ((err.cause as { code?: string } | undefined)?.code ?? err.message)
          : String(err);
      throw new ApiError(`the API at ${url} is unreachable (${reason})`, {
        cause: err,
        retryable: true,
      });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const message = (parsed as { message?: unknown } | undefined)?.message;
      throw new ApiError(
        `the API answered ${res.status}${typeof message === 'string' ? `: ${message}` : ''}`,
      );
    }
    return parsed as T;
  }

  return {
    list(options: { reason?: string; offset: number; limit: number }): Promise<DeadLetterPage> {
      const query = new URLSearchParams({
        offset: String(options.offset),
        limit: String(options.limit),
      });
      if (options.reason !== undefined) query.set('reason', options.reason);
      return call('GET', `/api/dead-letters?${query.toString()}`);
    },
    retry(target: { soul: string } | { reason: string }): Promise<RetryResult> {
      return call('POST', '/api/dead-letters/retry', target);
    },
  };
}
