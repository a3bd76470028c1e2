/**
 * GET /list?publisherHash=<hash>&limit=50&offset=0[&recordType=<t>]: the souls put under one
 * prefix (spec §1.4), read from the persisted bookkeeping node `index:<hash>` on every call;
 * OIP's unbounded in-memory copy (which also hid older records after a restart) is not kept.
 * The record type comes from the bookkeeping entry, which this relay fills from the JSON-string
 * `oip` too, so `&recordType=` works on current records.
 */
import { isLink, mapLimited } from '@sync/gun-client/gun';
import { sendJson } from '../http-io.js';
import type { RelayStore } from '../relay-store.js';
import { toApiNode } from '../to-api-node.js';
import type { Route } from './route.js';

const maxLimit = 500;
const concurrency = 16;

function toCount(raw: string | null, fallback: number): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function makeListRoute(store: RelayStore): Route {
  return async ({ url, res, signal }) => {
    const hash = url.searchParams.get('publisherHash');
    if (!hash) return sendJson(res, 400, { error: 'publisherHash parameter required' });
    const limit = Math.min(toCount(url.searchParams.get('limit'), 50), maxLimit);
    const offset = toCount(url.searchParams.get('offset'), 0);
    const recordType = url.searchParams.get('recordType');

    const book = await store.readNode(`index:${hash}`, signal);
    if (book.status === 'error')
      return sendJson(res, 503, { error: book.error.message, code: book.error.code });
    if (book.status !== 'found') return sendJson(res, 200, { success: true, records: [] });
    const souls = Object.keys(book.value).filter(
      (soul) => isLink(book.value[soul]) || typeof book.value[soul] === 'object',
    );
    const readEntry = async (soul: string) => {
      const link = book.value[soul];
      const entry = isLink(link) ? await store.readNode(link['#'], signal) : null;
      const value = entry?.status === 'found' ? entry.value : {};
      return {
        soul,
        recordType: typeof value.recordType === 'string' ? value.recordType : null,
        storedAt: typeof value.storedAt === 'number' ? value.storedAt : null,
      };
    };
    let entries: { soul: string; recordType: string | null; storedAt: number | null }[];
    if (recordType) {
      entries = (await mapLimited(souls, concurrency, readEntry))
        .filter((e) => e.recordType === recordType)
        .slice(offset, offset + limit);
    } else {
      entries = await mapLimited(souls.slice(offset, offset + limit), concurrency, readEntry);
    }
    const records = await mapLimited(entries, concurrency, async (entry) => {
      const node = await store.readNode(entry.soul, signal);
      return node.status === 'found'
        ? {
            soul: entry.soul,
            data: toApiNode(node.value),
            recordType: entry.recordType,
            storedAt: entry.storedAt,
          }
        : null;
    });
    sendJson(res, 200, { success: true, records: records.filter((r) => r !== null) });
  };
}
