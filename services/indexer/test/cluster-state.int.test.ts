// Errors caused by the state of the cluster, not by the document, against a real Elasticsearch:
// a closed index and an alias without a write index are outages. The queue pauses as it does
// for a 503, nothing is dead-lettered, and the waiting document is indexed once the operator
// has fixed the cluster.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createEsClient, recordsTemplateName } from '@sync/es-client';
import {
  enqueueIndex,
  esUrl,
  eventually,
  finished,
  metricValue,
  startHarness,
  type Harness,
} from './support.js';

/** Waits until the queue paused for a failed batch, or a dead letter shows up instead. */
async function pausedOrDeadLettered(h: Harness): Promise<void> {
  await eventually(
    async () =>
      (await metricValue(h.registry, 'sync_indexer_throttles_total')) >= 2 ||
      (await h.indexer.deps.deadLetters.count()) > 0,
    'the index queue to pause (or a dead letter)',
  );
}

describe('indexer and the state of the Elasticsearch cluster', () => {
  let h: Harness | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const fn of cleanups.splice(0)) await fn();
  });

  it('pauses while the index is closed, dead-letters nothing, and indexes once it is open', async () => {
    h = await startHarness({ INDEXER_RATE_LIMIT_MS: '100' });
    const soul = 'hash9:closed';
    await h.es.indices.close({ index: h.index });

    const job = await enqueueIndex(h, soul, 1_000);
    await pausedOrDeadLettered(h);
    expect(await h.indexer.deps.deadLetters.get(soul)).toBeUndefined();
    expect(await job.getState()).not.toBe('failed');

    await h.es.indices.open({ index: h.index, wait_for_active_shards: 1 });
    expect(await finished(h, job, 90_000)).toEqual({ outcome: 'indexed' });
    expect(await h.indexer.deps.deadLetters.count()).toBe(0);
  });

  it('pauses while the alias has no write index, dead-letters nothing, and indexes once it has one', async () => {
    const alias = `test-alias-${randomUUID().slice(0, 8)}`;
    const [first, second] = [`${alias}-000001`, `${alias}-000002`];
    const es = createEsClient({ url: esUrl() });
    cleanups.push(async () => {
      await es.indices.delete({ index: `${alias}-*`, allow_no_indices: true });
      await es.indices.deleteIndexTemplate({ name: recordsTemplateName(alias) }, { ignore: [404] });
      await es.close();
    });
    for (const index of [first, second]) await es.indices.create({ index });
    // Two indices behind the alias, neither its write index: Elasticsearch cannot write to it.
    await es.indices.updateAliases({
      actions: [{ add: { index: first, alias } }, { add: { index: second, alias } }],
    });
    h = await startHarness({ INDEXER_RATE_LIMIT_MS: '100', ELASTICSEARCH_INDEX: alias });
    const soul = 'hash9:no-write-index';

    const job = await enqueueIndex(h, soul, 1_000);
    await pausedOrDeadLettered(h);
    expect(await h.indexer.deps.deadLetters.get(soul)).toBeUndefined();
    expect(await job.getState()).not.toBe('failed');

    await es.indices.updateAliases({
      actions: [{ add: { index: second, alias, is_write_index: true } }],
    });
    expect(await finished(h, job, 90_000)).toEqual({ outcome: 'indexed' });
    expect((await es.get({ index: second, id: `did:gun:${soul}` })).found).toBe(true);
  });
});
