/**
 * Spans across queue hops. A job carries its parent's W3C trace context in its data (`trace`,
 * a `traceparent` and maybe a `tracestate`: ids only, never content), so a record's trace runs
 * discovery → transform → index across processes. All of it is a no-op while tracing is off.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

export interface TraceCarrier {
  traceparent: string;
  tracestate?: string | undefined;
}

export { SpanKind, type Attributes, type Link, type Span };

const TRACER = 'gun-sync';

/** The active context as a carrier for job data; undefined when no span is active (or tracing is off). */
export function injectCarrier(from: Context = context.active()): TraceCarrier | undefined {
  if (!trace.getSpanContext(from)) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  const { traceparent, tracestate } = carrier;
  if (!traceparent) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The context a carrier names; without one, a fresh root. */
export function extractContext(carrier: TraceCarrier | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { ...carrier });
}

/** The active span as a link (a batch links the spans of the jobs it carries). */
export function currentLink(): Link | undefined {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext ? { context: spanContext } : undefined;
}

export interface SpanOptions {
  /** Continue this carrier's trace; `null`: start a new trace; unset: the active context. */
  parent?: TraceCarrier | null | undefined;
  links?: Link[];
  attributes?: Attributes;
  kind?: SpanKind;
}

function parentContext(parent: SpanOptions['parent']): Context {
  if (parent === undefined) return context.active();
  return extractContext(parent ?? undefined);
}

/** Runs `fn` inside a new active span; a throw marks the span failed and is re-thrown. */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER);
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.links ? { links: options.links } : {}),
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parentContext(options.parent),
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Starts and ends a span that begins a new trace (linked to the active span, e.g. the scan
 * that found the record) and returns its carrier for the job it enqueues.
 */
export function startTrace(name: string, attributes: Attributes): TraceCarrier | undefined {
  const link = currentLink();
  const span = trace
    .getTracer(TRACER)
    .startSpan(
      name,
      { kind: SpanKind.PRODUCER, attributes, ...(link ? { links: [link] } : {}) },
      ROOT_CONTEXT,
    );
  const carrier = injectCarrier(trace.setSpan(ROOT_CONTEXT, span));
  span.end();
  return carrier;
}
