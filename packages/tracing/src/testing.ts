/** Tests: tracing registered with an in-memory exporter, and the spans it collected. */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { setupTracing, type Tracing } from './setup-tracing.js';

export type { ReadableSpan };

export interface MemoryTracing extends Tracing {
  /** The spans ended so far (waits for their export). */
  spans(): Promise<ReadableSpan[]>;
  reset(): void;
}

export function setupMemoryTracing(serviceName = 'gun-sync-test'): MemoryTracing {
  const exporter = new InMemorySpanExporter();
  const tracing = setupTracing({ serviceName }, exporter);
  return {
    ...tracing,
    spans: async () => {
      await tracing.flush();
      return exporter.getFinishedSpans();
    },
    reset: () => exporter.reset(),
  };
}
