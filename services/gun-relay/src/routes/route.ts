import type { IncomingMessage, ServerResponse } from 'node:http';

/** What every route handler gets: the request, its parsed URL and a signal aborted on shutdown. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  signal: AbortSignal;
}

export type Route = (context: RouteContext) => Promise<void> | void;
