/**
 * POST /put {soul, data}: OIP's write (spec §1.2) minus its defects: a size limit, an optional
 * bearer token, and 400 for what GUN would refuse or hang on (`{}` anywhere, null or a
 * non-object at the root, arrays) instead of a 500 or a request that never ends.
 */
import { GunWriteError } from '@sync/gun-client';
import { findPutProblem, findSoulProblem } from '@sync/gun-client/validate-put';
import type { Logger } from '@sync/logging';
import { BodyTooLargeError, isAuthorized, readBody, sendJson } from '../http-io.js';
import type { RelayStore } from '../relay-store.js';
import type { Route } from './route.js';

export interface PutRouteOptions {
  store: RelayStore;
  maxBodyBytes: number;
  writeToken?: string | undefined;
  log: Logger;
}

export function makePutRoute({ store, maxBodyBytes, writeToken, log }: PutRouteOptions): Route {
  return async ({ req, res, signal }) => {
    if (!isAuthorized(req, writeToken)) return sendJson(res, 401, { error: 'Unauthorized' });
    let text: string;
    try {
      text = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return sendJson(res, 413, { error: `Body larger than ${maxBodyBytes} bytes` });
      }
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendJson(res, 400, { error: 'Invalid JSON' });
    }
    const { soul, data } = (typeof body === 'object' && body !== null ? body : {}) as {
      soul?: unknown;
      data?: unknown;
    };
    const soulProblem = findSoulProblem(soul);
    if (soulProblem) return sendJson(res, 400, { error: `Invalid soul: ${soulProblem}` });
    const dataProblem = findPutProblem(data);
    if (dataProblem) return sendJson(res, 400, { error: `Invalid data: ${dataProblem}` });
    try {
      await store.put(soul as string, data as Record<string, unknown>, signal);
    } catch (err) {
      if (!(err instanceof GunWriteError)) throw err;
      log.warn({ err, soul }, 'put not stored');
      return sendJson(res, err.retryable ? 504 : 500, {
        error: err.retryable ? 'GUN did not store the write in time' : err.message,
      });
    }
    sendJson(res, 200, { success: true, soul });
  };
}
