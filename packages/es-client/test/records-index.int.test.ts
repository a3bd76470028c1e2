// The records index template against a real Elasticsearch: installation, aliases, a foreign
// (OIP) mapping, and that the mapping neither explodes nor conflicts while OIP's queries on
// oip.did, oip.recordType and oip.storage keep working.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import { createLogger } from '@sync/logging';
import { serviceUrls } from '../../../test/services.js';
import {
  bulkWrite,
  createEsClient,
  ensureIndex,
  recordsIndexTemplate,
  recordsTemplateName,
  type BulkOp,
} from '../src/index.js';

const esUrl = (): string => serviceUrls().elasticsearchUrl;

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ service: 'es-client-test', level: 'info', destination }), lines };
}

const oipDoc = (did: string, data: Record<string, unknown>, oip: Record<string, unknown> = {}) => ({
  data,
  oip: {
    did,
    didTx: did,
    recordType: 'post',
    indexedAt: '2026-01-02T03:04:05.000Z',
    storage: 'gun',
    ver: '0.8.0',
    signature: 'c2ln',
    creator: { didAddress: 'did:arweave:abc', publicKey: 'pk' },
    ...oip,
  },
});

describe('records index template', () => {
  let client: Client;
  const cleanup: string[] = [];

  beforeAll(() => {
    client = createEsClient({ url: esUrl() });
  });

  afterEach(async () => {
    for (const name of cleanup.splice(0)) {
      await client.indices.delete({
        index: `${name},${name}-*`,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      await client.indices.deleteIndexTemplate(
        { name: recordsTemplateName(name) },
        { ignore: [404] },
      );
    }
  });

  const uniqueIndex = () => {
    const name = `test-records-${randomUUID().slice(0, 8)}`;
    cleanup.push(name);
    return name;
  };

  it('installs the template, creates the index once and is idempotent', async () => {
    const index = uniqueIndex();
    const { log } = captureLog();
    const first = await ensureIndex(client, { index, log });
    expect(first).toMatchObject({
      created: true,
      indices: [{ name: index, managed: true, mappingVersion: 1, dataType: 'flattened' }],
    });
    const second = await ensureIndex(client, { index, log });
    expect(second.created).toBe(false);
    const template = await client.indices.getIndexTemplate({ name: recordsTemplateName(index) });
    expect(template.index_templates[0]?.index_template.index_patterns).toEqual([
      index,
      `${index}-*`,
    ]);
  });

  it('leaves an alias of that name alone and recognises its backing index from the pattern', async () => {
    const index = uniqueIndex();
    const { log } = captureLog();
    // The operator's layout (docs/elasticsearch.md): the template, then <index>-v2 behind the alias <index>.
    await client.indices.putIndexTemplate(recordsIndexTemplate(index));
    await client.indices.create({
      index: `${index}-v2`,
      aliases: { [index]: { is_write_index: true } },
    });
    const result = await ensureIndex(client, { index, log });
    expect(result).toMatchObject({
      created: false,
      indices: [{ name: `${index}-v2`, managed: true, dataType: 'flattened' }],
    });
    expect(Object.keys(await client.indices.getAlias({ name: index }))).toEqual([`${index}-v2`]);
  });

  it("warns and carries on when the index already has OIP's own mapping", async () => {
    const index = uniqueIndex();
    await client.indices.create({
      index,
      settings: { 'index.mapping.total_fields.limit': 5000 },
      mappings: {
        properties: {
          data: { type: 'nested' },
          oip: {
            properties: {
              recordType: { type: 'text' },
              didTx: { type: 'keyword' },
              indexedAt: { type: 'date' },
            },
          },
        },
      },
    });
    const { log, lines } = captureLog();
    const result = await ensureIndex(client, { index, log });
    expect(result).toMatchObject({
      created: false,
      indices: [{ name: index, managed: false, dataType: 'nested' }],
    });
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes('did not install'))).toBe(
      true,
    );
  });

  it('takes documents whose data disagree in types and shapes, without growing the mapping', async () => {
    const index = uniqueIndex();
    const { log } = captureLog();
    await ensureIndex(client, { index, log });
    const before = await client.indices.getMapping({ index });
    const docs: Record<string, unknown>[] = [
      { shoppingList: { item_amounts: 1 } },
      { shoppingList: { item_amounts: 1.5 } }, // OIP: long → float conflict
      { shoppingList: { item_amounts: { nested: ['x', 'y'] } } }, // object where a number was
      { conversationSession: { messages: [{ role: 'user', content: 'hi' }, 'plain string', 3] } }, // OIP: mapper_parsing_exception
      { post: { articleText: 'x'.repeat(40_000) } }, // beyond Lucene's term limit: stored, not indexed
      ...Array.from({ length: 50 }, (_, i) => ({ [`type${i}`]: { [`field${i}`]: i } })), // many distinct keys
    ];
    const ops: BulkOp[] = docs.map((data, i) => ({
      action: 'index',
      index,
      id: `did:gun:hash:doc${i}`,
      version: 1,
      document: oipDoc(`did:gun:hash:doc${i}`, data, i === 0 ? { someNewHeader: 'x' } : {}),
    }));
    const results = await bulkWrite(client, ops, { refresh: 'wait_for' });
    expect(results.filter((r) => r.outcome !== 'ok')).toEqual([]);
    const after = await client.indices.getMapping({ index });
    expect(after).toEqual(before);
  });

  it("keeps OIP's queries on oip.did, oip.recordType and oip.storage working", async () => {
    const index = uniqueIndex();
    const { log } = captureLog();
    await ensureIndex(client, { index, log });
    const ops: BulkOp[] = [
      {
        action: 'index',
        index,
        id: 'did:gun:h1:a',
        version: 1,
        document: oipDoc('did:gun:h1:a', { basic: { name: 'Alpha' } }),
      },
      {
        action: 'index',
        index,
        id: 'did:gun:h1:b',
        version: 1,
        document: oipDoc('did:gun:h1:b', { basic: { name: 'Beta' } }, { recordType: 'image' }),
      },
      {
        action: 'index',
        index,
        id: 'did:arweave:tx1',
        version: 1,
        document: oipDoc('did:arweave:tx1', { basic: { name: 'Gamma' } }, { storage: 'arweave' }),
      },
    ];
    expect((await bulkWrite(client, ops, { refresh: 'wait_for' })).map((r) => r.outcome)).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    const ids = async (query: object) =>
      (await client.search({ index, query, sort: ['_doc'] })).hits.hits.map((h) => h._id).sort();

    expect(await ids({ term: { 'oip.did.keyword': 'did:gun:h1:a' } })).toEqual(['did:gun:h1:a']);
    expect(await ids({ term: { 'oip.did': 'did:gun:h1:b' } })).toEqual(['did:gun:h1:b']);
    expect(await ids({ prefix: { 'oip.did.keyword': 'did:gun:' } })).toEqual([
      'did:gun:h1:a',
      'did:gun:h1:b',
    ]);
    expect(await ids({ match: { 'oip.recordType': 'post' } })).toEqual([
      'did:arweave:tx1',
      'did:gun:h1:a',
    ]);
    expect(await ids({ term: { 'oip.recordType.keyword': 'image' } })).toEqual(['did:gun:h1:b']);
    expect(await ids({ term: { 'oip.storage': 'gun' } })).toEqual(['did:gun:h1:a', 'did:gun:h1:b']);
    expect(await ids({ term: { 'oip.storage.keyword': 'arweave' } })).toEqual(['did:arweave:tx1']);
    expect(await ids({ term: { 'data.basic.name': 'Beta' } })).toEqual(['did:gun:h1:b']);
    const sorted = await client.search({ index, sort: [{ 'oip.indexedAt': 'asc' }] });
    expect(sorted.hits.hits).toHaveLength(3);
  });

  it('rejects a malformed oip.indexedAt with the reason and without the value', async () => {
    const index = uniqueIndex();
    const { log } = captureLog();
    await ensureIndex(client, { index, log });
    const [result] = await bulkWrite(client, [
      {
        action: 'index',
        index,
        id: 'did:gun:h:p',
        version: 1,
        document: oipDoc('did:gun:h:p', {}, { indexedAt: 'secret-not-a-date' }),
      },
    ]);
    expect(result).toMatchObject({ outcome: 'rejected', status: 400 });
    expect(JSON.stringify(result)).toContain('oip.indexedAt');
    expect(JSON.stringify(result)).not.toContain('secret-not-a-date');
  });
});
