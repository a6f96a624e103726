import {
  type Attributes,
  context,
  createContextKey,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { errorMessage } from '@org/transports';
import type { Component } from './components/component';
import { frontTraceContext, type TraceCarrier, traceparentOf } from './observe/traceContext';

/** The name of the tracer the framework's spans come from. */
export const TRACER_NAME = '@org/core';

/** What the API's global tracer provider is: a proxy that delegates once an SDK registers. */
interface DelegatingProvider {
  getTracer(name: string): Tracer;
  getDelegateTracer?(name: string): Tracer | undefined;
}

/**
 * The tracer named `name` of the registered OpenTelemetry SDK, or `undefined` when none is
 * registered. Costs a property read and a call, and allocates nothing, without an SDK: code on
 * the request path checks it before building anything for a span.
 *
 * @example
 * ```ts
 * const tracer = activeTracer();
 * if (!tracer) return work(); // tracing off: no span, no closure
 * return tracer.startActiveSpan('work', (span) => work().finally(() => span.end()));
 * ```
 */
export function activeTracer(name: string = TRACER_NAME): Tracer | undefined {
  const provider = trace.getTracerProvider() as DelegatingProvider;
  // The API's provider is a proxy with a delegate once an SDK registered, none before.
  return typeof provider.getDelegateTracer === 'function'
    ? provider.getDelegateTracer(name)
    : provider.getTracer(name);
}

/** Marks the context of a front request's span, so that a component's span joins it. */
const REQUEST_SPAN = createContextKey('@org/core request span');

/** Spans whose failure is already recorded (by the component that failed). */
const failedSpans = new WeakSet<Span>();

function recordFailure(span: Span, error: unknown): void {
  if (failedSpans.has(span)) return;
  failedSpans.add(span);
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
}

/** Runs `fn`, recording a failure on `span`; ends the span afterwards when `end` is set. */
async function traced<T>(span: Span, fn: () => Promise<T>, end: boolean): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    if (end) span.end();
  }
}

/** The span name of a front request: `tools/call add`, `prompts/get greet`, or the method. */
function requestSpanName(method: string, name: string | undefined): string {
  return name !== undefined && (method === 'tools/call' || method === 'prompts/get')
    ? `${method} ${name}`
    : method;
}

/** The attribute that names what a request is about, by method. */
function subjectAttribute(method: string): string | undefined {
  if (method === 'tools/call') return 'gen_ai.tool.name';
  if (method === 'prompts/get') return 'gen_ai.prompt.name';
  if (method === 'resources/read') return 'mcp.resource.uri';
  return undefined;
}

/** What a front request's span is made from. */
export interface FrontRequest {
  /** The method, such as `tools/call`. */
  method: string;
  /** The JSON-RPC id. */
  requestId: string | number;
  /** The front session's id. */
  sessionId: string;
  /** The tool or prompt name, or the resource URI. */
  name?: string;
  /** The request's `_meta`, where the caller's `traceparent` may be. */
  meta?: TraceCarrier;
  /** The request's HTTP headers, where the caller's `traceparent` may be. */
  headers?: TraceCarrier;
}

/**
 * Runs `fn` inside the SERVER span of a front request, made with `tracer` (see
 * {@link activeTracer}): it continues the caller's trace (W3C trace context from the request's
 * `_meta`, else its HTTP headers), and is active while `fn` runs, so that backend requests are
 * its children and the span of the component serving the request is this one.
 */
export function withRequestSpan<T>(
  tracer: Tracer,
  request: FrontRequest,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = frontTraceContext(request.meta, request.headers);
  const span = tracer.startSpan(
    requestSpanName(request.method, request.name),
    { kind: SpanKind.SERVER },
    parent,
  );
  if (span.isRecording()) {
    span.setAttributes({
      'mcp.method.name': request.method,
      'mcp.session.id': request.sessionId,
      'jsonrpc.request.id': String(request.requestId),
    });
    const key = subjectAttribute(request.method);
    if (key && request.name !== undefined) span.setAttribute(key, request.name);
  }
  const active = trace.setSpan(parent, span).setValue(REQUEST_SPAN, span);
  return context.with(active, () => traced(span, fn, true));
}

/**
 * The W3C `traceparent` of the active span when it records (the front request's span, in a
 * request handler), else `undefined`.
 */
export function recordingTraceparent(): string | undefined {
  if (!activeTracer()) return undefined;
  const span = trace.getActiveSpan();
  return span?.isRecording() ? traceparentOf(span.spanContext()) : undefined;
}

/**
 * Runs `fn` as the execution of `component`, traced: inside a front request's span (see
 * {@link withRequestSpan}) the component's span attributes and failure go on that span;
 * elsewhere a span named `name` of its own is made. Without an OpenTelemetry SDK registered
 * this only calls `fn`.
 */
export async function withComponentSpan<T>(
  name: string,
  component: Component,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return fn();
  const active = context.active();
  const request = active.getValue(REQUEST_SPAN) as Span | undefined;
  if (request && request === trace.getSpan(active)) {
    // Attributes are built only for a span that records.
    if (request.isRecording()) request.setAttributes(component.getSpanAttributes() as Attributes);
    return traced(request, fn, false);
  }
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER }, async (span) => {
    if (span.isRecording()) span.setAttributes(component.getSpanAttributes() as Attributes);
    return traced(span, fn, true);
  });
}
