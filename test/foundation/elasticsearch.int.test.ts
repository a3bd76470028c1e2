/** The official client against the real Elasticsearch node: version, then index/get/search on a unique index. */
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';

describe('elasticsearch', () => {
  const { elasticsearchUrl } = serviceUrls();
  const client = new Client({ node: elasticsearchUrl, requestTimeout: 30_000 });
  const index = `test-foundation-${randomUUID()}`;

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    const left = await client.indices.exists({ index });
    await client.close();
    expect(left).toBe(false);
  });

  it('reports an 8.x server version', async () => {
    // The nodes API rather than `GET /` (client.info): the local integ-test-zip node has no rest-root module.
    const info = await client.nodes.info({ node_id: '_local', filter_path: ['nodes.*.version'] });
    const version = Object.values(info.nodes)[0]?.version;
    process.stdout.write(`[foundation] elasticsearch ${version} at ${elasticsearchUrl}\n`);
    expect(version).toMatch(/^8\.\d+\.\d+/);
  });

  it('indexes a document and reads it back by id and by search', async () => {
    const id = `doc-${randomUUID()}`;
    const document = { soul: `soul-${randomUUID()}`, title: 'foundation round trip', version: 3 };

    const indexed = await client.index({ index, id, document, refresh: 'wait_for' });
    expect(indexed.result).toBe('created');

    const got = await client.get<typeof document>({ index, id });
    expect(got.found).toBe(true);
    expect(got._source).toEqual(document);

    const found = await client.search<typeof document>({
      index,
      query: { term: { 'soul.keyword': document.soul } },
    });
    expect(found.hits.hits.map((hit) => hit._id)).toEqual([id]);
    process.stdout.write(
      `[foundation] elasticsearch index ${index}: indexed, got and found ${id}\n`,
    );
  });
});
