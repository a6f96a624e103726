import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { activeTracer } from '@org/core';
import { errorMessage } from '@org/transports';

/** The name of the tracer the proxy client's spans come from. */
const TRACER = '@org/proxy-client';

/**
 * The tracer of backend requests when an OpenTelemetry SDK is registered, else `undefined`
 * (then nothing else here is called: no span, no closure). @internal
 */
export function backendTracer(): Tracer | undefined {
  return activeTracer(TRACER);
}

/** The span name of a backend request: `tools/call add`, `prompts/get p`, or the method. */
function spanName(what: string): string {
  const space = what.indexOf(' ');
  const method = space < 0 ? what : what.slice(0, space);
  return method === 'tools/call' || method === 'prompts/get' ? what : method;
}

/**
 * Runs one backend request (`what`, such as `tools/call add`) inside a CLIENT span, a child of
 * the active span (the front request's), active while it runs: the trace context sent to the
 * backend (`_meta` and HTTP headers) is this span's. @internal
 */
export function traceBackendRequest<T>(
  tracer: Tracer,
  backend: string,
  what: string,
  run: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(spanName(what), { kind: SpanKind.CLIENT });
  if (span.isRecording()) {
    const space = what.indexOf(' ');
    span.setAttributes({
      'mcp.method.name': space < 0 ? what : what.slice(0, space),
      'fastmcp.proxy.backend': backend,
    });
  }
  return context.with(trace.setSpan(context.active(), span), async () => {
    try {
      return await run();
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * `meta` with the active trace context written in it (`traceparent`, `tracestate`, and what else
 * the registered propagator writes), replacing those the front sent, other keys kept. Without an
 * SDK, `meta` as is: a front's `traceparent` passes through, as through any transparent proxy.
 * @internal
 */
export function withTraceMeta(
  meta: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!backendTracer() || !trace.getActiveSpan()) return meta;
  const out: Record<string, unknown> = { ...meta };
  for (const field of propagation.fields()) delete out[field];
  propagation.inject(context.active(), out);
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The header names trace context goes in (`traceparent`, `tracestate`, ...) when an SDK is
 * registered, else none: a connection opened while tracing is on carries them per request.
 * @internal
 */
export function traceHeaderNames(): string[] {
  return backendTracer() ? propagation.fields().map((name) => name.toLowerCase()) : [];
}

/**
 * `headers` (a fresh object, or `undefined`) with the active trace context written in, when a
 * span is active; else `headers` as is. @internal
 */
export function withTraceHeaders(
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!backendTracer() || !trace.getActiveSpan()) return headers;
  const out: Record<string, string> = headers ?? {};
  propagation.inject(context.active(), out);
  return out;
}
