// The indexer end to end against a real Redis (BullMQ, tombstones, dead letters) and a real
// Elasticsearch: last-writer-wins, deletions that stay deleted after gc_deletes, poison
// documents, batching, and a real outage.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seal } from '@sync/crypto';
import { bulkWrite } from '@sync/es-client';
import { JobName, jobIdFor } from '@sync/queues';
import {
  aDocument,
  bulkRequests,
  didOf,
  enqueueDelete,
  enqueueIndex,
  esUrl,
  eventually,
  finished,
  getSource,
  metricValue,
  startEsProxy,
  startHarness,
  type Harness,
} from './support.js';

describe('indexer against a real Redis and Elasticsearch', () => {
  let h: Harness | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const fn of cleanups.splice(0)) await fn();
  });

  it('keeps v2 when v1 is replayed after it, and counts the replay as skipped', async () => {
    h = await startHarness();
    const soul = 'hash1:lww-a';
    expect(await finished(h, await enqueueIndex(h, soul, 2_000))).toEqual({ outcome: 'indexed' });
    expect(await finished(h, await enqueueIndex(h, soul, 1_000))).toEqual({ outcome: 'conflict' });
    const doc = await getSource(h, soul);
    expect(doc).toMatchObject({ found: true, version: 2_000 });
    expect(doc.source?.data.basic.name).toBe('name v2000');
    expect(await h.indexer.deps.watermarks.indexed(soul)).toBe(2_000);
    const { counters } = await h.indexer.deps.stats.snapshot(Date.now());
    expect(counters).toMatchObject({ synced: 1, skipped: 1 });
  });

  it('moves to v2 when v1 came first, and rewrites the same version on a replay', async () => {
    h = await startHarness();
    const soul = 'hash1:lww-b';
    expect(await finished(h, await enqueueIndex(h, soul, 1_000))).toEqual({ outcome: 'indexed' });
    expect(await finished(h, await enqueueIndex(h, soul, 2_000))).toEqual({ outcome: 'indexed' });
    expect(await finished(h, await enqueueIndex(h, soul, 2_000))).toEqual({ outcome: 'indexed' });
    const doc = await getSource(h, soul);
    expect(doc).toMatchObject({ found: true, version: 2_000 });
    expect(doc.source?.data.basic.name).toBe('name v2000');
  });

  it('keeps a deleted record deleted when an older version arrives after Elasticsearch forgot the delete', async () => {
    h = await startHarness();
    const harness = h;
    await h.es.indices.putSettings({ index: h.index, settings: { 'index.gc_deletes': '0s' } });
    const soul = 'hash2:deleted';
    const control = 'hash2:control';
    expect(await finished(h, await enqueueIndex(h, soul, 1_000))).toEqual({ outcome: 'indexed' });
    expect(await finished(h, await enqueueIndex(h, control, 1_000))).toEqual({
      outcome: 'indexed',
    });
    expect(await finished(h, await enqueueDelete(h, soul, 5_000))).toEqual({ outcome: 'deleted' });
    expect(await getSource(h, soul)).toEqual({ found: false });
    expect(await h.indexer.deps.tombstones.get(didOf(soul))).toBe(5_000);

    // The hazard, shown on a control record deleted in Elasticsearch only (no tombstone): once
    // the delete is garbage-collected, Elasticsearch takes the older version back.
    const [deleted] = await bulkWrite(
      h.es,
      [{ action: 'delete', index: h.index, id: didOf(control), version: 5_000 }],
      { refresh: 'wait_for' },
    );
    expect(deleted).toMatchObject({ outcome: 'ok' });
    await eventually(async () => {
      await harness.es.indices.refresh({ index: harness.index });
      const [late] = await bulkWrite(harness.es, [
        {
          action: 'index',
          index: harness.index,
          id: didOf(control),
          version: 1_000,
          document: aDocument(control, 1_000),
        },
      ]);
      return late?.outcome === 'ok';
    }, 'Elasticsearch to forget the delete (gc_deletes 0s)');

    // The same late delivery through the indexer: the tombstone keeps the record deleted.
    expect(await finished(h, await enqueueIndex(h, soul, 1_000))).toEqual({
      outcome: 'tombstoned',
    });
    expect(await getSource(h, soul)).toEqual({ found: false });
    // A version published after the deletion is a new record state and is indexed.
    expect(await finished(h, await enqueueIndex(h, soul, 6_000))).toEqual({ outcome: 'indexed' });
    expect(await getSource(h, soul)).toMatchObject({ found: true, version: 6_000 });
  });

  it('brings an un-deleted record back while Elasticsearch still remembers the newer delete', async () => {
    h = await startHarness();
    // Elasticsearch refuses an older version for index.gc_deletes after a delete; a short one
    // keeps the test short, the behaviour is the same at the default 60 s.
    await h.es.indices.putSettings({ index: h.index, settings: { 'index.gc_deletes': '3s' } });
    const soul = 'hash2:undeleted';
    expect(await finished(h, await enqueueIndex(h, soul, 1_000))).toEqual({ outcome: 'indexed' });
    expect(await finished(h, await enqueueDelete(h, soul, 5_000))).toEqual({ outcome: 'deleted' });
    // The un-delete: discovery clears the tombstones and enqueues the record's version again.
    await h.indexer.deps.tombstones.remove(didOf(soul));
    await h.producer.queue.remove(jobIdFor('index', soul, 1_000));
    expect(await finished(h, await enqueueIndex(h, soul, 1_000), 60_000)).toEqual({
      outcome: 'indexed',
    });
    expect(await getSource(h, soul)).toMatchObject({ found: true, version: 1_000 });
  });

  it('treats the delete of a document that was never indexed as done', async () => {
    h = await startHarness();
    expect(await finished(h, await enqueueDelete(h, 'hash3:never', 7_000))).toEqual({
      outcome: 'deleted',
    });
    expect(await h.indexer.deps.tombstones.get(didOf('hash3:never'))).toBe(7_000);
  });

  it('dead-letters a document Elasticsearch rejects, once, with the reason, and indexes the rest of its batch', async () => {
    // The five jobs wait in the queue together and the batch is sent when it holds 5 documents,
    // so all five share one _bulk request. (Enqueued one by one to a running worker, each would
    // go alone: a trickle is sent as it comes.)
    h = await startHarness(
      { INDEXER_BATCH_MAX_DOCS: '5', INDEXER_FLUSH_MS: '30000' },
      { run: false },
    );
    const souls = ['hash4:a', 'hash4:b', 'hash4:poison', 'hash4:c', 'hash4:d'];
    const poison = aDocument('hash4:poison', 1_000, { oip: { indexedAt: 'not a date' } });
    const jobs = [];
    for (const soul of souls)
      jobs.push(await enqueueIndex(h, soul, 1_000, soul === 'hash4:poison' ? poison : undefined));
    void h.indexer.run();
    const settled = await Promise.allSettled(jobs.map((job) => finished(h as Harness, job)));

    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await bulkRequests(h.registry)).toBe(1);
    for (const soul of souls.filter((s) => s !== 'hash4:poison'))
      expect(await getSource(h, soul)).toMatchObject({ found: true });
    expect(await getSource(h, 'hash4:poison')).toEqual({ found: false });

    const failed = await h.producer.queue.getJob(jobIdFor('index', 'hash4:poison', 1_000));
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1); // not retried: attempts are 10 by default
    const letter = await h.indexer.deps.deadLetters.get('hash4:poison');
    expect(letter).toMatchObject({
      soul: 'hash4:poison',
      did: didOf('hash4:poison'),
      stage: 'index',
      reason: 'es-rejected',
      attempts: 1,
    });
    expect(letter?.detail).toMatch(
      /^(document_parsing_exception|mapper_parsing_exception): .*oip\.indexedAt/,
    );
    expect(letter?.detail).not.toContain('not a date');
    expect((await h.indexer.deps.stats.snapshot(Date.now())).errorsByReason).toEqual({
      'es-rejected': 1,
    });
    expect(
      await metricValue(h.registry, 'sync_indexer_documents_total', { outcome: 'rejected' }),
    ).toBe(1);
    expect(
      await metricValue(h.registry, 'sync_indexer_documents_total', { outcome: 'indexed' }),
    ).toBe(4);
  });

  it('dead-letters a payload that does not open with the service key, without retrying', async () => {
    h = await startHarness();
    const soul = 'hash5:foreign-key';
    const did = didOf(soul);
    const sealed = seal({ _id: did, _source: aDocument(soul, 1_000) }, randomBytes(32), soul);
    await h.producer.add(
      JobName.indexDocument,
      { did, soul, version: 1_000, sealed, bytes: 100 },
      { jobId: jobIdFor('index', soul, 1_000) },
    );
    const job = await h.producer.queue.getJob(jobIdFor('index', soul, 1_000));
    await expect(finished(h, job as NonNullable<typeof job>)).rejects.toThrow(
      /unreadable-document/,
    );
    expect(await h.indexer.deps.deadLetters.get(soul)).toMatchObject({
      reason: 'unreadable-document',
      detail: expect.stringContaining('SYNC_SEAL_INVALID') as unknown,
    });
  });

  it.each([
    ['quiet: a lone document is searchable as soon as its job is done', '250', 1],
    ['INDEXER_QUIET_REFRESH_MS=0: it waits for the index refresh', '0', 0],
  ])('%s', async (_what, quietRefreshMs, hits) => {
    h = await startHarness({ INDEXER_QUIET_REFRESH_MS: quietRefreshMs }, { run: false });
    // No periodic refresh at all: only a refresh the indexer asks for makes a document searchable.
    await h.es.indices.putSettings({ index: h.index, settings: { refresh_interval: '-1' } });
    void h.indexer.run();
    const soul = 'hash7:lonely';
    const job = await enqueueIndex(h, soul, 1_000);
    expect(await finished(h, job)).toMatchObject({ outcome: 'indexed' });
    const found = await h.es.search({ index: h.index, query: { ids: { values: [didOf(soul)] } } });
    expect(found.hits.hits).toHaveLength(hits);
  });

  it('sends a trickle as it comes: a lone job is not held for INDEXER_FLUSH_MS', async () => {
    // A 60 s flush timer (the longest allowed): only the drained queue sends these batches in time.
    h = await startHarness({ INDEXER_FLUSH_MS: '60000' });
    for (const [i, soul] of ['hash8:one', 'hash8:two'].entries()) {
      const job = await enqueueIndex(h, soul, 1_000);
      expect(await finished(h, job, 20_000)).toMatchObject({ outcome: 'indexed' });
      expect(await bulkRequests(h.registry)).toBe(i + 1);
    }
  });

  it('puts many concurrent jobs into few _bulk requests', async () => {
    h = await startHarness(
      { INDEXER_CONCURRENCY: '64', INDEXER_BATCH_MAX_DOCS: '64', INDEXER_FLUSH_MS: '100' },
      { run: false },
    );
    const n = 300;
    const jobs = [];
    for (let i = 0; i < n; i++) jobs.push(await enqueueIndex(h, `hash6:doc-${i}`, 1_000 + i));
    void h.indexer.run();
    const results = await Promise.all(jobs.map((job) => finished(h as Harness, job, 60_000)));
    expect(results.every((r) => (r as { outcome: string }).outcome === 'indexed')).toBe(true);

    const requests = await bulkRequests(h.registry);
    expect(requests).toBeGreaterThanOrEqual(Math.ceil(n / 64));
    expect(requests).toBeLessThanOrEqual(n / 10);
    expect(
      await metricValue(h.registry, 'sync_indexer_documents_total', { outcome: 'indexed' }),
    ).toBe(n);
    await h.es.indices.refresh({ index: h.index });
    expect((await h.es.count({ index: h.index })).count).toBe(n);
  });

  it('pauses the whole queue while Elasticsearch is unreachable, spends no attempt, and resumes', async () => {
    const proxy = await startEsProxy(esUrl());
    cleanups.push(() => proxy.stop());
    h = await startHarness({ ELASTICSEARCH_URL: proxy.url(), INDEXER_RATE_LIMIT_MS: '100' });
    const harness = h;
    await proxy.stop();

    const job = await enqueueIndex(h, 'hash7:outage', 1_000);
    await eventually(
      async () => (await metricValue(harness.registry, 'sync_indexer_throttles_total')) >= 3,
      'three failed batches',
    );
    const during = await h.producer.queue.getJob(job.id as string);
    expect(during?.attemptsMade).toBe(0);
    expect(['waiting', 'active', 'prioritized']).toContain(await during?.getState());
    expect(await h.indexer.deps.deadLetters.count()).toBe(0);

    await proxy.start();
    expect(await finished(h, job, 30_000)).toEqual({ outcome: 'indexed' });
    expect(await getSource(h, 'hash7:outage')).toMatchObject({ found: true, version: 1_000 });
    expect(
      await metricValue(h.registry, 'sync_indexer_documents_total', { outcome: 'throttled' }),
    ).toBeGreaterThanOrEqual(3);
  });
});
