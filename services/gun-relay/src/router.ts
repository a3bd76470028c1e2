/**
 * Routes of the relay API (OIP's paths and shapes) plus /health. GUN's WebSocket upgrades on
 * /gun never reach here. Unknown paths answer OIP's 404; a handler that throws answers 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@sync/logging';
import { sendJson } from './http-io.js';
import type { Route } from './routes/route.js';

export type RouteTable = Record<string, Partial<Record<'GET' | 'POST', Route>>>;

export function makeRouter(routes: RouteTable, log: Logger) {
  return async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://relay.local');
    if (req.method === 'OPTIONS') return sendJson(res, 200, undefined);
    const route = routes[url.pathname]?.[req.method as 'GET' | 'POST'];
    if (!route) return sendJson(res, 404, { error: 'Endpoint not found' });
    try {
      await route({ req, res, url, signal });
    } catch (err) {
      log.error({ err, path: url.pathname }, 'relay route failed');
      sendJson(res, 500, { error: 'Internal error' });
    }
  };
}
