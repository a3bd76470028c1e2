/**
 * Which of some DIDs still have a document in the index, and at which version: one `_mget`
 * per 500 DIDs, without the documents. Discovery uses it to find deletions that did not
 * happen although a tombstone says they did.
 */
import type { Client } from '@elastic/elasticsearch';

const chunk = 500;

export type IndexedVersions = (dids: readonly string[]) => Promise<Map<string, number>>;

export function makeIndexedVersions(es: Client, index: string): IndexedVersions {
  return async function indexedVersions(dids) {
    const out = new Map<string, number>();
    for (let i = 0; i < dids.length; i += chunk) {
      const { docs } = await es.mget({ index, ids: dids.slice(i, i + chunk), _source: false });
      for (const doc of docs) {
        if ('found' in doc && doc.found && typeof doc._version === 'number')
          out.set(doc._id, doc._version);
      }
    }
    return out;
  };
}
