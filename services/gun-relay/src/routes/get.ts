/**
 * GET /get?soul=<soul>[&resolve=1]: one node in OIP's shape (spec §1.3). Unlike OIP's relay
 * it waits for every part of the answer instead of the first callback, answers 404 for a
 * missing soul within the configured wait instead of 3 s, and resolves links on request; in
 * OIP-behaviour mode (`oip-behaviour.ts`) the 404 waits as OIP's does and links stay links.
 */
import { sendJson } from '../http-io.js';
import { fastBehaviour, holdNotFound, type OipBehaviour } from '../oip-behaviour.js';
import type { RelayStore } from '../relay-store.js';
import { resolveLinks, toApiNode } from '../to-api-node.js';
import type { Route } from './route.js';

const resolveLimits = { maxDepth: 4, maxNodes: 64 };

export function makeGetRoute(store: RelayStore, behaviour: OipBehaviour = fastBehaviour): Route {
  return async ({ url, res, signal }) => {
    const receivedAt = performance.now();
    const notFound = async () => {
      await holdNotFound(behaviour, receivedAt, signal);
      sendJson(res, 404, { error: 'Not found' });
    };
    const soul = url.searchParams.get('soul');
    if (!soul) return sendJson(res, 400, { error: 'Soul parameter required' });
    const result = await store.readNode(soul, signal);
    // An aborted read (the relay is stopping) or an answer that was still arriving at the
    // relay's stream limit (SYNC_GUN_PARTIAL): never a 200 with part of the node.
    if (result.status === 'error')
      return sendJson(res, 503, { error: result.error.message, code: result.error.code });
    if (result.status === 'not-found') return notFound();
    let data = toApiNode(result.value);
    const resolve = url.searchParams.get('resolve');
    if (behaviour.resolveLinks && (resolve === '1' || resolve === 'true')) {
      data = await resolveLinks(
        data,
        async (child) => {
          const read = await store.readNode(child, signal);
          return read.status === 'found' ? read.value : null;
        },
        resolveLimits,
      );
    }
    if (Object.keys(data).length === 0) return notFound();
    sendJson(res, 200, { success: true, data });
  };
}
