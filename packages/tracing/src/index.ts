export { setupTracing, tracesUrl, type Tracing, type TracingSettings } from './setup-tracing.js';
export {
  SpanKind,
  currentLink,
  extractContext,
  inSpan,
  injectCarrier,
  startTrace,
  type Attributes,
  type Link,
  type Span,
  type SpanOptions,
  type TraceCarrier,
} from './spans.js';
