import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentLink, inSpan, injectCarrier, startTrace } from './spans.js';
import { setupMemoryTracing, type MemoryTracing } from './testing.js';
import { tracesUrl } from './setup-tracing.js';

describe('spans across a queue hop', () => {
  let tracing: MemoryTracing;
  beforeAll(() => {
    tracing = setupMemoryTracing();
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.reset());

  it('has no carrier outside a span', () => {
    expect(injectCarrier()).toBeUndefined();
  });

  it('continues the trace a carrier names, as a child of its span', async () => {
    const carrier = await inSpan('producer', {}, () => Promise.resolve(injectCarrier()));
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan('consumer', { parent: carrier }, () => Promise.resolve());
    const [producer, consumer] = await tracing.spans();
    expect(consumer?.spanContext().traceId).toBe(producer?.spanContext().traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
  });

  it('starts a new trace per record, linked to the active span', async () => {
    const [a, b] = await inSpan('scan', {}, () =>
      Promise.resolve([startTrace('record a', {}), startTrace('record b', {})]),
    );
    const spans = await tracing.spans();
    const scan = spans.find((s) => s.name === 'scan');
    const recordA = spans.find((s) => s.name === 'record a');
    expect(a?.traceparent).toContain(recordA?.spanContext().traceId);
    expect(a?.traceparent.split('-')[1]).not.toBe(b?.traceparent.split('-')[1]);
    expect(recordA?.parentSpanContext).toBeUndefined();
    expect(recordA?.links[0]?.context.spanId).toBe(scan?.spanContext().spanId);
  });

  it('marks a span failed when its work throws, and re-throws', async () => {
    await expect(inSpan('failing', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect((await tracing.spans())[0]?.status.code).toBe(2);
  });

  it('offers the active span as a link', async () => {
    const link = await inSpan('batch member', {}, () => Promise.resolve(currentLink()));
    expect(link?.context.spanId).toBe((await tracing.spans())[0]?.spanContext().spanId);
  });

  it('appends the OTLP traces path to the endpoint', () => {
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  });
});
