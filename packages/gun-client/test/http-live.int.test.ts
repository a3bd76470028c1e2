/**
 * Live discovery over the relay HTTP API against a relay that behaves like OIP's (a missing
 * soul answered after a wait, links left unresolved): new **and changed** registrations are
 * reported, from gun-sync's recent-changes node and from OIP's legacy index (a re-registration
 * keeps its key, only the child's timestamp moves), and the first one of a type the relay did not
 * have; deletion marks are reported; and while
 * nothing changes the poller reads no legacy index node (counted at a proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countWaits,
  startCountingProxy,
  type CountingProxy,
} from '../../../services/gun-relay/test/counting-proxy.js';
import {
  startTestRelay,
  waitFor,
  type TestRelay,
} from '../../../services/gun-relay/test/support.js';
import { createSilentLogger } from '@sync/logging';
import {
  createGunRegistry,
  createGunRegistryWriter,
  type DeletionsChanged,
  type GunRegistry,
  type IndexEntry,
  type RegistryWriter,
} from '../src/index.js';
import { toRecentSoul } from '../src/recent.js';
import { toIndexSoul } from '../src/souls.js';

const log = createSilentLogger();
const root = 'oip:registry-live';
const deletedRoot = 'oip:deleted-live:records';
const at = 1761991200000;

describe('live HTTP discovery against an OIP-behaviour relay', () => {
  let relay: TestRelay;
  let proxy: CountingProxy;
  let writer: RegistryWriter;
  let oipWriter: RegistryWriter;
  let reader: GunRegistry;
  let unsubscribe: () => void;
  const entries: IndexEntry[] = [];
  const deletions: DeletionsChanged[] = [];

  const register = (w: RegistryWriter, recordType: string, soul: string, timestamp: number) =>
    w.register({ recordType, soul, creatorPubKey: 'k', nodeId: 'node-a', timestamp });
  const seen = (soul: string, timestamp: number, what: string) =>
    waitFor(() => entries.find((e) => e.soul === soul && e.timestamp === timestamp), 20_000, what);

  beforeAll(async () => {
    relay = await startTestRelay({
      store: 'memory',
      behaviour: { notFoundWaitMs: 1000, resolveLinks: false },
    });
    proxy = await startCountingProxy(relay.url);
    const common = {
      mode: 'http' as const,
      peers: [relay.url],
      root,
      deletedRoot,
      writeTimeoutMs: 10_000,
      readTimeoutMs: 10_000,
      log,
    };
    writer = createGunRegistryWriter(common);
    oipWriter = createGunRegistryWriter({ ...common, layout: 'legacy' });
    await register(writer, 'post', 'pub:before', at);
    await register(oipWriter, 'recipe', 'oip:r-1', at);
    await oipWriter.markDeleted('did:gun:oip:old', 'someone');
    reader = createGunRegistry({
      ...common,
      peers: [proxy.url],
      recordTypes: ['post', 'recipe', 'video'],
      concurrency: 8,
      pollIntervalMs: 400,
      pollMinIntervalMs: 100,
      // The logic under test, not the default per-peer limit (120 a minute).
      pollMaxReadsPerMinute: 1200,
    });
    unsubscribe = reader.subscribe(
      ['post', 'recipe', 'video'],
      (entry) => entries.push(entry),
      (change) => deletions.push(change),
    );
    // The baseline: both type indexes read once (after the recent node, which comes first).
    const read = (soul: string) => proxy.records().some((r) => r.soul === soul);
    await waitFor(
      () => read(toIndexSoul(root, 'post')) && read(toIndexSoul(root, 'recipe')),
      20_000,
      'the baseline polls',
    );
  }, 60_000);

  afterAll(async () => {
    unsubscribe?.();
    await reader?.close();
    await writer?.close();
    await oipWriter?.close();
    await proxy?.close();
    await relay?.close();
  });

  it('reports a gun-sync registration, then its re-registration', async () => {
    await register(writer, 'post', 'pub:p-1', at + 1);
    await seen('pub:p-1', at + 1, 'the new entry');
    await register(writer, 'post', 'pub:p-1', at + 2);
    await seen('pub:p-1', at + 2, 'the re-registration');
  }, 30_000);

  it('reports an OIP-style registration and re-registration from the legacy index', async () => {
    await register(oipWriter, 'recipe', 'oip:r-2', at + 10);
    await seen('oip:r-2', at + 10, 'the new legacy entry');
    await register(oipWriter, 'recipe', 'oip:r-1', at + 11);
    await seen('oip:r-1', at + 11, 'the legacy re-registration');
  }, 30_000);

  it('reports deletion marks: by DID from gun-sync, as a changed index from OIP', async () => {
    await writer.markDeleted('did:gun:pub:p-1', 'someone', { nodeId: 'node-a' });
    await waitFor(
      () => deletions.find((d) => d.dids?.includes('did:gun:pub:p-1')),
      20_000,
      'the gun-sync deletion',
    );
    const before = deletions.filter((d) => d.dids === null).length;
    await oipWriter.markDeleted('did:gun:oip:r-2', 'someone');
    await waitFor(
      () => deletions.filter((d) => d.dids === null).length > before,
      20_000,
      'the OIP deletion',
    );
  }, 30_000);

  it('reports the first legacy registration of a type the relay did not have', async () => {
    // 'video' was absent at the baseline: its signal is probed only every 300 idle pauses, but
    // the relay's bookkeeping lists the new index as soon as it is put.
    await register(oipWriter, 'video', 'oip:v-1', at + 20);
    await seen('oip:v-1', at + 20, 'the first entry of a type new to the relay');
  }, 30_000);

  it('reads no legacy index node while nothing changes, and no missing soul twice at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the last changes settle
    proxy.reset();
    await waitFor(
      () => proxy.records().filter((r) => r.soul === toRecentSoul(root)).length >= 8,
      30_000,
      'eight polls of the recent node',
    );
    const souls = proxy.records().map((r) => r.soul);
    expect(souls).not.toContain(toIndexSoul(root, 'post'));
    expect(souls).not.toContain(toIndexSoul(root, 'recipe'));
    expect(countWaits(proxy.records().filter((r) => r.status === 404))).toBeLessThanOrEqual(1);
  }, 40_000);
});
