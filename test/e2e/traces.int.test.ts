/**
 * Traces across the pipeline (issue 20, Deliver 4): with tracing registered on an in-memory
 * exporter, records published on relay A run through a real node (discovery, transform and
 * indexer on the real Redis, Elasticsearch and relay B). Each record must have one connected
 * trace: the discovery span that enqueued it, the transform job's span as its child, the index
 * job's span as the transform span's child; the `_bulk` request that wrote it links to the
 * index job's span and carries the Elasticsearch client's own span; an API request continues
 * the trace its caller sends in `traceparent`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupMemoryTracing, type MemoryTracing, type ReadableSpan } from '@sync/tracing/testing';
import { serviceUrls } from '../services.js';
import { startPublishedPair } from '../support/backfill-run.js';
import { adminToken, startTestNode, waitFor, type TestNode } from '../support/node.js';

const total = 12;

const soulOf = (s: ReadableSpan) => s.attributes['gun_sync.soul'];
const traceOf = (s: ReadableSpan) => s.spanContext().traceId;
const idOf = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('one connected trace per record', () => {
  let tracing: MemoryTracing;
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let node: TestNode;

  beforeAll(async () => {
    tracing = setupMemoryTracing();
    published = await startPublishedPair(total);
    node = await startTestNode(serviceUrls(), {
      GUN_PEERS: published.pair.b.url,
      // Only the scan enqueues: a record is found once.
      DISCOVERY_LIVE: 'false',
      INDEXER_BATCH_MAX_DOCS: '5',
    });
  }, 240_000);

  afterAll(async () => {
    await node?.close();
    await published?.close();
    await tracing?.shutdown();
  });

  it('links discovery, transform and index spans of each record in one trace', async () => {
    await node.discover();
    await waitFor('every record indexed', async () => (await node.count()) === total, 120_000);
    // A span ends when its job does, a little after its work: the scan's after its last
    // enqueue, an index job's after its batch was written.
    const spans = await waitFor('the scan span and every index job span', async () => {
      const all = await tracing.spans();
      const indexed = new Set(
        all.filter((s) => s.name === 'sync.index index-document').map(soulOf),
      );
      return (
        all.some((s) => s.name === 'sync.discover discover-registry') &&
        indexed.size === total &&
        all
      );
    });
    const named = (name: string) => spans.filter((s) => s.name === name);
    const discovered = named('discovery enqueue');
    const transforms = named('sync.transform transform-record');
    const indexes = named('sync.index index-document');
    const bulks = named('index bulk');

    const souls = new Set(indexes.map(soulOf));
    expect(souls.size).toBe(total);
    const traces = new Set<string>();
    for (const soul of souls) {
      const index = indexes.filter((s) => soulOf(s) === soul);
      // Retries of a job are spans of the same trace; a record has exactly one trace.
      const recordTraces = new Set(index.map(traceOf));
      expect(recordTraces.size).toBe(1);
      const [traceId] = recordTraces;
      traces.add(traceId as string);
      for (const span of index) {
        const transform = transforms.find((s) => idOf(s) === parentOf(span));
        expect(transform, `transform span of ${String(soul)}`).toBeDefined();
        expect(soulOf(transform as ReadableSpan)).toBe(soul);
        expect(traceOf(transform as ReadableSpan)).toBe(traceId);
        const discovery = discovered.find((s) => idOf(s) === parentOf(transform as ReadableSpan));
        expect(discovery, `discovery span of ${String(soul)}`).toBeDefined();
        expect(soulOf(discovery as ReadableSpan)).toBe(soul);
        expect(traceOf(discovery as ReadableSpan)).toBe(traceId);
        // The discovery span starts the record's trace; it links to the scan that found it.
        expect(discovery?.parentSpanContext).toBeUndefined();
        const scan = spans.find((s) => idOf(s) === discovery?.links[0]?.context.spanId);
        expect(scan?.name).toBe('sync.discover discover-registry');
        // The bulk request that wrote it links back to the index job's span.
        const bulk = bulks.find((b) => b.links.some((l) => l.context.spanId === idOf(span)));
        expect(bulk, `bulk request of ${String(soul)}`).toBeDefined();
      }
    }
    // One trace per record, none shared.
    expect(traces.size).toBe(total);

    // The Elasticsearch client's span of each `_bulk` hangs below its batch's span.
    for (const bulk of bulks) {
      const client = spans.find((s) => parentOf(s) === idOf(bulk));
      expect(client?.attributes['db.system']).toBe('elasticsearch');
      expect(traceOf(client as ReadableSpan)).toBe(traceOf(bulk));
    }
  }, 180_000);

  it('continues the caller’s trace in an API request', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${node.node.apiUrl}/api/health/gun-sync`, {
      headers: {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        authorization: `Bearer ${adminToken}`,
      },
    });
    await res.arrayBuffer();
    const request = await waitFor('the request span', async () =>
      (await tracing.spans()).find(
        (s) => traceOf(s) === traceId && parentOf(s) === '00f067aa0ba902b7',
      ),
    );
    expect(request.attributes['http.request.method'] ?? request.attributes['http.method']).toBe(
      'GET',
    );
  });
});
