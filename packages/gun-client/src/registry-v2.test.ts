import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import { UpstreamError } from './errors.js';
import { readError } from './read-result.js';
import { recentSlots, toRecentSoul } from './recent.js';
import { createRegistryWriter } from './registry-writer.js';
import { createRegistryReader } from './registry-reader.js';
import { bucketsPerRound } from './registry-v2-reader.js';
import {
  decodeEntryValue,
  formatBucketKey,
  parseBucketKey,
  toBucketKeys,
  toBucketListSoul,
  toBucketSoul,
  toV2RegistrationWrites,
} from './registry-v2.js';
import { createMemoryGraph } from './testing.js';
import { findPutProblem, findSoulProblem } from './validate-put.js';

const log = createSilentLogger();
const root = 'oip:registry';
const hour = 3_600_000;
const t0 = 1761991200000; // a whole hour

/** A writer and reader over one memory graph; `bookkeeping` also lists new types on the relay's node. */
function setup(
  layout: 'legacy' | 'v2' | 'both',
  {
    maxEntries = 3,
    bookkeeping = false,
    concurrency = 4,
  }: { maxEntries?: number; bookkeeping?: boolean; concurrency?: number } = {},
) {
  const graph = createMemoryGraph();
  let clock = t0;
  const writer = createRegistryWriter({
    sink: graph,
    source: graph,
    root,
    deletedRoot: 'd',
    log,
    layout,
    bookkeeping,
    buckets: { spanMs: hour, maxEntries },
    now: () => new Date(clock),
  });
  const reader = createRegistryReader({
    source: graph,
    root,
    deletedRoot: 'd',
    recordTypes: [],
    concurrency,
  });
  const register = (i: number, recordType = 'post') =>
    writer.register({
      recordType,
      soul: `pub:rec-${i}`,
      creatorPubKey: 'key',
      nodeId: 'node-a',
      timestamp: clock,
    });
  return { graph, writer, reader, register, tick: (ms: number) => (clock += ms) };
}

describe('registry v2 layout', () => {
  it('formats and parses bucket keys and orders them by window, then page', () => {
    expect(formatBucketKey({ window: t0, page: 12 })).toBe(`${t0}_12`);
    expect(parseBucketKey(`${t0}_12`)).toEqual({ window: t0, page: 12 });
    expect(parseBucketKey('x_1')).toBeNull();
    expect(parseBucketKey(`${t0}_1_2`)).toBeNull();
    const keys = toBucketKeys({
      [`${t0 + hour}_0`]: 1,
      [`${t0}_10`]: 1,
      [`${t0}_2`]: 1,
      junk: 1,
    });
    expect(keys.map(formatBucketKey)).toEqual([`${t0}_2`, `${t0}_10`, `${t0 + hour}_0`]);
  });

  it('writes one entry field and, for a new bucket, one list field, all storable by GUN', () => {
    const writes = toV2RegistrationWrites(
      root,
      { recordType: 'post', soul: 'a:1', creatorPubKey: 'k', nodeId: 'n', timestamp: 5 },
      { key: { window: 0, page: 0 }, listed: false },
    );
    expect(writes).toEqual([
      {
        soul: 'oip:registry:v2:bucket:post:0_0',
        node: { 'a:1': '{"soul":"a:1","nodeId":"n","timestamp":5}' },
        field: true,
        bounded: true,
      },
      {
        soul: 'oip:registry:v2:buckets:post',
        node: { '0_0': { '#': 'oip:registry:v2:bucket:post:0_0' } },
        field: true,
        bounded: true,
      },
    ]);
    for (const write of writes) {
      expect(findSoulProblem(write.soul)).toBeNull();
      expect(findPutProblem(write.node)).toBeNull();
    }
  });

  it('decodes entry values and ignores anything else', () => {
    expect(decodeEntryValue('post', 'a:1', '{"nodeId":"n","timestamp":5}')).toEqual({
      recordType: 'post',
      soul: 'a:1',
      nodeId: 'n',
      timestamp: 5,
    });
    expect(decodeEntryValue('post', 'a:1', '{"timestamp":"x"}')).toEqual({
      recordType: 'post',
      soul: 'a:1',
      nodeId: null,
      timestamp: null,
    });
    expect(decodeEntryValue('post', 'a:1garbled', '{"soul":"a:1","nodeId":"n"}')?.soul).toBe('a:1');
    expect(decodeEntryValue('post', 'a:1', 'not json')).toBeNull();
    expect(decodeEntryValue('post', 'a:1', { '#': 'x' })).toBeNull();
  });

  it('writes both layouts by default and never more than maxEntries per bucket', async () => {
    const { graph, reader, register } = setup('both');
    for (let i = 0; i < 7; i++) await register(i);
    expect(Object.keys(graph.nodes['oip:registry:index:post'] ?? {})).toHaveLength(7);
    const list = graph.nodes[toBucketListSoul(root, 'post')] ?? {};
    expect(Object.keys(list).sort()).toEqual([`${t0}_0`, `${t0}_1`, `${t0}_2`]);
    const sizes = Object.keys(list)
      .sort()
      .map((key) => Object.keys(graph.nodes[toBucketSoul(root, 'post', key)] ?? {}).length);
    expect(sizes).toEqual([3, 3, 1]);
    const scan = await reader.scanTypeIndex('post');
    expect(scan.status === 'found' && scan.value.layout).toBe('v2');
    expect(scan.status === 'found' && scan.value.entries.map((e) => e.soul).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `pub:rec-${i}`).sort(),
    );
  });

  it('writes only the node entry, the buckets and the recent-changes note with layout v2', async () => {
    const { graph, register } = setup('v2');
    await register(1);
    expect(Object.keys(graph.nodes).sort()).toEqual([
      'oip:registry:nodes:node-a:pub:rec-1',
      `oip:registry:v2:bucket:post:${t0}_0`,
      'oip:registry:v2:buckets:post',
      'oip:registry:v2:recent',
    ]);
  });

  it('keeps the recent-changes node to one ring of fields per writing node', async () => {
    const { graph, register } = setup('v2', { maxEntries: 1000 });
    for (let i = 0; i < recentSlots * 3; i++) await register(i);
    const recent = graph.nodes[toRecentSoul(root)] ?? {};
    expect(Object.keys(recent)).toHaveLength(recentSlots);
    expect(Object.keys(recent).every((key) => key.startsWith('node-a~'))).toBe(true);
  });

  it('writes no recent-changes note with layout legacy (what OIP writes, nothing more)', async () => {
    const { graph, register } = setup('legacy');
    await register(1);
    expect(graph.nodes[toRecentSoul(root)]).toBeUndefined();
  });

  it('opens a new bucket in a new window and continues a restarted writer’s bucket', async () => {
    const first = setup('v2', { maxEntries: 10 });
    await first.register(1);
    await first.register(2);
    first.tick(hour);
    await first.register(3);
    const restarted = createRegistryWriter({
      sink: first.graph,
      source: first.graph,
      root,
      deletedRoot: 'd',
      log,
      layout: 'v2',
      buckets: { spanMs: hour, maxEntries: 2 },
      now: () => new Date(t0 + hour),
    });
    await restarted.register({
      recordType: 'post',
      soul: 'pub:rec-4',
      creatorPubKey: 'k',
      nodeId: 'node-a',
    });
    await restarted.register({
      recordType: 'post',
      soul: 'pub:rec-5',
      creatorPubKey: 'k',
      nodeId: 'node-a',
    });
    const list = first.graph.nodes[toBucketListSoul(root, 'post')] ?? {};
    expect(Object.keys(list).sort()).toEqual([`${t0}_0`, `${t0 + hour}_0`, `${t0 + hour}_1`]);
    expect(
      Object.keys(first.graph.nodes[toBucketSoul(root, 'post', `${t0 + hour}_0`)] ?? {}),
    ).toEqual(['pub:rec-3', 'pub:rec-4']);
  });

  it('scans incrementally: nothing new reads the list and one bucket', async () => {
    const { graph, reader, register } = setup('both');
    for (let i = 0; i < 7; i++) await register(i);
    const full = await reader.scanTypeIndex('post');
    if (full.status !== 'found') throw new Error('scan failed');
    expect(full.value.mark).toBe(`${t0}_2`);
    graph.reads.length = 0;
    const again = await reader.scanTypeIndex('post', { since: full.value.mark });
    expect(graph.reads).toEqual([
      toBucketListSoul(root, 'post'),
      toBucketSoul(root, 'post', `${t0}_2`),
    ]);
    expect(again.status === 'found' && again.value.bucketsRead).toBe(2);
    await register(7);
    await register(8);
    const more = await reader.scanTypeIndex('post', { since: full.value.mark });
    expect(more.status === 'found' && more.value.entries.map((e) => e.soul).sort()).toEqual([
      'pub:rec-6',
      'pub:rec-7',
      'pub:rec-8',
    ]);
  });

  it('falls back to the legacy index where a type has no buckets, and merges legacy-only entries on request', async () => {
    const { graph, reader, register } = setup('legacy');
    await register(1);
    const legacy = await reader.scanTypeIndex('post');
    expect(legacy.status === 'found' && legacy.value).toMatchObject({
      layout: 'legacy',
      mark: null,
      bucketsRead: 0,
    });
    expect(legacy.status === 'found' && legacy.value.entries.map((e) => e.soul)).toEqual([
      'pub:rec-1',
    ]);
    const both = setup('both');
    both.graph.nodes['oip:registry:index:post'] = graph.nodes['oip:registry:index:post'] ?? {};
    both.graph.nodes['oip:registry:index:post/pub:rec-1'] =
      graph.nodes['oip:registry:index:post/pub:rec-1'] ?? {};
    await both.register(2);
    const v2Only = await both.reader.scanTypeIndex('post');
    expect(v2Only.status === 'found' && v2Only.value.entries.map((e) => e.soul)).toEqual([
      'pub:rec-2',
    ]);
    const merged = await both.reader.scanTypeIndex('post', { mergeLegacy: true });
    expect(merged.status === 'found' && merged.value.entries.map((e) => e.soul).sort()).toEqual([
      'pub:rec-1',
      'pub:rec-2',
    ]);
  });

  it('counts index fields whose entry names another record than their key (garbled keys), in both layouts', async () => {
    // What radisk served for 13 of 20 sampled lost entries (bench/results/memory-1e7b450-repro.json):
    // the field of `a:r-150` holding the link of `a:r-1560`, whose key lost a character.
    const { graph, reader, register } = setup('both');
    for (const i of [1, 2, 3]) await register(i);
    const index = 'oip:registry:index:post';
    graph.nodes[index] = { ...graph.nodes[index], 'pub:rec-': { '#': `${index}/pub:rec-3` } };
    const bucket = Object.keys(graph.nodes).find((soul) => soul.includes(':v2:bucket:post:'));
    if (!bucket) throw new Error('no bucket written');
    graph.nodes[bucket] = {
      ...graph.nodes[bucket],
      'pub:rec-2garbled': JSON.stringify({ soul: 'pub:rec-2', nodeId: 'node-a', timestamp: t0 }),
    };
    const merged = await reader.scanTypeIndex('post', { mergeLegacy: true });
    expect(merged.status === 'found' && merged.value.garbled).toBe(2);
    expect(merged.status === 'found' && merged.value.entries.map((e) => e.soul).sort()).toEqual([
      'pub:rec-1',
      'pub:rec-2',
      'pub:rec-3',
    ]);
    // A v2-only read sees the bucket's; a legacy-only type the index's.
    const v2 = await reader.scanTypeIndex('post', {
      since: formatBucketKey({ window: 0, page: 0 }),
    });
    expect(v2.status === 'found' && v2.value.garbled).toBe(1);
    const legacy = setup('legacy');
    await legacy.register(3);
    legacy.graph.nodes[index] = {
      ...legacy.graph.nodes[index],
      'pub:rec-': { '#': `${index}/pub:rec-3` },
    };
    const read = await legacy.reader.scanTypeIndex('post');
    expect(read.status === 'found' && read.value.garbled).toBe(1);
  });

  it('leaves out an index child that never answers and counts it, keeping the rest of the type', async () => {
    for (const layout of ['legacy', 'both'] as const) {
      const { graph, register } = setup(layout);
      for (const i of [1, 2, 3]) await register(i);
      if (layout === 'both')
        // An OIP-style writer's entry, only in the legacy index: the merge must read its child.
        for (const i of [4, 5]) {
          const child = `oip:registry:index:post/pub:rec-${i}`;
          graph.nodes[child] = { soul: `pub:rec-${i}`, nodeId: 'node-a', timestamp: t0 };
          graph.nodes['oip:registry:index:post'] = {
            ...graph.nodes['oip:registry:index:post'],
            [`pub:rec-${i}`]: { '#': child },
          };
        }
      const stuck = layout === 'legacy' ? 'pub:rec-2' : 'pub:rec-4';
      const hanging = {
        readNode: (soul: string, options?: { signal?: AbortSignal }) =>
          soul === `oip:registry:index:post/${stuck}`
            ? Promise.resolve(readError<never>(new UpstreamError('SYNC_GUN_TIMEOUT', 'timed out')))
            : graph.readNode(soul, options),
      };
      const reader = createRegistryReader({
        source: hanging,
        root,
        deletedRoot: 'd',
        recordTypes: [],
        concurrency: 4,
      });
      const scan = await reader.scanTypeIndex('post', { mergeLegacy: true });
      expect(scan.status).toBe('found');
      if (scan.status !== 'found') continue;
      expect(scan.value.unreadable).toBe(1);
      const expected = layout === 'legacy' ? [1, 3] : [1, 2, 3, 5];
      expect(scan.value.entries.map((e) => e.soul).sort()).toEqual(
        expected.map((i) => `pub:rec-${i}`),
      );
    }
  });

  it('hands a large type over in pages of bounded size, holding none of it (issue 16)', async () => {
    const { reader, register, tick } = setup('both');
    const n = 1_200;
    for (let i = 0; i < n; i++) {
      await register(i);
      tick(1);
    }
    const pages: number[] = [];
    const seen = new Set<string>();
    const scan = await reader.scanTypeIndex('post', {
      mergeLegacy: true,
      onPage: async (page) => {
        pages.push(page.length);
        for (const entry of page) seen.add(entry.soul);
      },
    });
    expect(scan.status).toBe('found');
    if (scan.status !== 'found') return;
    expect(scan.value.entries).toEqual([]);
    expect(seen.size).toBe(n);
    // v2: 3 entries per bucket, 4 buckets a round; legacy: 500 children a page.
    expect(Math.max(...pages)).toBeLessThanOrEqual(500);
    expect(pages.filter((size) => size <= 12).length).toBe(n / 12);
    expect(pages.filter((size) => size > 12)).toEqual([500, 500, 200]);
  });

  it('holds at most bucketsPerRound buckets of entries at once, whatever the reads in flight', async () => {
    const { reader, register, tick } = setup('v2', { concurrency: 256 });
    const n = 3 * 100; // 100 buckets of 3
    for (let i = 0; i < n; i++) {
      await register(i);
      tick(1);
    }
    const pages: number[] = [];
    const scan = await reader.scanTypeIndex('post', {
      onPage: async (page) => {
        pages.push(page.length);
      },
    });
    expect(scan.status).toBe('found');
    expect(pages.reduce((a, b) => a + b, 0)).toBe(n);
    // Before, a round was 256 buckets: every entry of the type in one page.
    expect(Math.max(...pages)).toBe(3 * bucketsPerRound);
  });

  it('lists v2-only types from the relay bookkeeping node', async () => {
    const { reader, register } = setup('v2', { bookkeeping: true });
    await register(1, 'video');
    expect(await reader.listRecordTypes()).toEqual(['video']);
  });
});
