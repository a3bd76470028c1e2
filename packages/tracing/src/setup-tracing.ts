/**
 * Registers OpenTelemetry tracing for one process: the AsyncLocalStorage context manager, the
 * W3C trace-context propagator and a tracer provider. Off by default: without an OTLP endpoint
 * and without an exporter (tests pass an in-memory one) nothing is registered and every span
 * the code starts is a no-op. With an endpoint, spans go out in batches over OTLP/HTTP to
 * `<endpoint>/v1/traces`. The Elasticsearch client (@elastic/transport) starts its own spans
 * through the global provider, so registering here instruments it too.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

export interface TracingSettings {
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); unset: no export. */
  endpoint?: string | undefined;
  /** service.name of the spans (OTEL_SERVICE_NAME, else the service's own name). */
  serviceName: string;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Sends what is still buffered and unregisters the provider. Safe to call twice. */
  shutdown(): Promise<void>;
}

const disabled: Tracing = {
  enabled: false,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** `exporter` (tests) wins over `endpoint`; it is flushed span by span, not batched. */
export function setupTracing(settings: TracingSettings, exporter?: SpanExporter): Tracing {
  const processor = exporter
    ? new SimpleSpanProcessor({ exporter })
    : settings.endpoint
      ? new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: tracesUrl(settings.endpoint) }),
        })
      : undefined;
  if (!processor) return disabled;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [processor],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  let closing: Promise<void> | undefined;
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown() {
      closing ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return closing;
    },
  };
}
