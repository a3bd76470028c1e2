/**
 * Bull Board at /admin/queues for every pipeline queue, behind the admin token (Bearer, or
 * Basic with the token as password so a browser can ask for it). Its routes are third-party
 * and carry no schemas; they are hidden from /docs.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';

export interface BullBoardOptions {
  queues: readonly Queue[];
  basePath: string;
  guard: onRequestAsyncHookHandler;
}

export const bullBoard: FastifyPluginAsync<BullBoardOptions> = async (
  app,
  { queues, basePath, guard },
) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'gun-sync queues' } },
  });
  // Encapsulated: the guard covers the board's pages, assets and API, and nothing else.
  app.addHook('onRequest', guard);
  await app.register(serverAdapter.registerPlugin(), { prefix: basePath });
};
