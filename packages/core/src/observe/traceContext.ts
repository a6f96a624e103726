import {
  context,
  type Context as OtelContext,
  propagation,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';

/** A carrier of W3C trace context: a request's `_meta`, or its HTTP headers. */
export type TraceCarrier = Readonly<Record<string, unknown>>;

/**
 * Reads trace context keys (`traceparent`, `tracestate`, `baggage`) from a request's `_meta` or
 * its HTTP headers (lower-case names, a value or a list of values).
 */
const carrierGetter: TextMapGetter<TraceCarrier> = {
  get(carrier, key) {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.filter((item) => typeof item === 'string');
    return undefined;
  },
  keys(carrier) {
    return Object.keys(carrier);
  },
};

/**
 * The OpenTelemetry context a front request's span continues: the caller's trace, taken from
 * the request's `_meta` when it carries a `traceparent` (as MCP clients and servers of the
 * ecosystem put it), or else from its HTTP headers, through the registered propagator. Keys
 * are never mixed: a `tracestate` is read from the carrier the `traceparent` came from. Without
 * either, the active context.
 *
 * @example
 * ```ts
 * const parent = frontTraceContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, undefined);
 * tracer.startSpan('tools/call add', { kind: SpanKind.SERVER }, parent);
 * ```
 */
export function frontTraceContext(
  meta: TraceCarrier | undefined,
  headers: TraceCarrier | undefined,
): OtelContext {
  const active = context.active();
  const carrier = typeof meta?.traceparent === 'string' ? meta : headers;
  return carrier ? propagation.extract(active, carrier, carrierGetter) : active;
}

/**
 * The W3C `traceparent` of a span context (version `00`).
 *
 * @example
 * ```ts
 * traceparentOf(span.spanContext()); // => '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 * ```
 */
export function traceparentOf(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}
