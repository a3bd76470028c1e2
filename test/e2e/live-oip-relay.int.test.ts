/**
 * Fresh over an OIP-behaviour relay (issue 17): node A publishes, updates and deletes records
 * on a relay that answers a missing soul after 3 s and leaves index entries as links, like
 * OIP's; node B runs the whole pipeline against that relay over the HTTP API at default poll
 * settings, with no full scan due during the test (GUN_SYNC_INTERVAL 10 min). Each change must
 * reach B live: for records A registers through gun-sync's writer (the recent-changes node)
 * and for records registered and deleted the way OIP does (legacy index, deletion index, found
 * through the relay's bookkeeping). The bounds are generous; the figures are the benchmark's.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startTestRelay, type TestRelay } from '../../services/gun-relay/test/support.js';
import { serviceUrls } from '../services.js';
import { createPublisher, oipPut, putViaRelay, type Publisher } from '../support/oip-publisher.js';
import { startTestNode, waitFor, type TestNode } from '../support/node.js';

const log = createSilentLogger();
/** Generous: the benchmark measures; this only proves the change arrives live. */
const bound = 30_000;

describe('publish, update and delete on A, seen live on B, over an OIP-behaviour relay', () => {
  let relay: TestRelay;
  let writer: RegistryWriter;
  let oipWriter: RegistryWriter;
  let b: TestNode;
  const publisher: Publisher = createPublisher();
  let version = Date.parse('2026-11-01T10:00:00.000Z');

  async function publish(w: RegistryWriter, localId: string, name: string): Promise<string> {
    version += 1000;
    const put = oipPut(publisher, {
      localId,
      recordType: 'post',
      indexedAt: new Date(version),
      data: { basic: { name, tagItems: ['live'] }, post: { articleText: name } },
    });
    await putViaRelay(relay.url, put);
    await w.register({
      recordType: 'post',
      soul: put.soul,
      creatorPubKey: publisher.publicKey,
      nodeId: 'node-a',
    });
    return `did:gun:${put.soul}`;
  }

  const nameOnB = async (did: string) => {
    const doc = await b.get(did);
    return (doc?.data as { basic?: { name?: string } } | undefined)?.basic?.name;
  };
  const seenOnB = (did: string, name: string, what: string) =>
    waitFor(what, async () => (await nameOnB(did)) === name, bound, 100);
  const goneOnB = (did: string, what: string) =>
    waitFor(what, async () => (await b.get(did)) === undefined, bound, 100);

  beforeAll(async () => {
    relay = await startTestRelay({
      store: 'memory',
      behaviour: { notFoundWaitMs: 3000, resolveLinks: false },
    });
    const common = {
      mode: 'http' as const,
      peers: [relay.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 10_000,
      log,
    };
    writer = createGunRegistryWriter(common);
    oipWriter = createGunRegistryWriter({ ...common, layout: 'legacy' });
    const warmUp = await publish(writer, 'warm-up', 'Warm-up');
    b = await startTestNode(serviceUrls(), {
      GUN_PEERS: relay.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_INTERVAL: '600000',
      // Default live settings (startTestNode shortens the poll).
      GUN_POLL_INTERVAL_MS: '1000',
      DISCOVERY_LIVE_FLUSH_MS: '50',
    });
    // B's first scan (at start) indexes what was there; its live poll has its baseline by then.
    await seenOnB(warmUp, 'Warm-up', 'the warm-up record on B (first scan)');
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await writer?.close();
    await oipWriter?.close();
    await relay?.close();
  });

  it('a record registered by gun-sync: new, updated, deleted', async () => {
    const did = await publish(writer, 'gs-1', 'First');
    await seenOnB(did, 'First', 'the new record on B');
    await publish(writer, 'gs-1', 'First, edited');
    await seenOnB(did, 'First, edited', 'the update on B');
    await writer.markDeleted(did, publisher.publicKey, { nodeId: 'node-a' });
    await goneOnB(did, 'the deletion on B');
  }, 120_000);

  it("a record registered and deleted only OIP's way: new, updated, deleted", async () => {
    const did = await publish(oipWriter, 'oip-1', 'Legacy');
    await seenOnB(did, 'Legacy', 'the new legacy record on B');
    await publish(oipWriter, 'oip-1', 'Legacy, edited');
    await seenOnB(did, 'Legacy, edited', 'the legacy update on B');
    await oipWriter.markDeleted(did, publisher.publicKey);
    await goneOnB(did, 'the legacy deletion on B');
  }, 120_000);
});
