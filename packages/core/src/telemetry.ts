import { type Attributes, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { errorMessage } from '@org/transports';
import type { Component } from './components/component';

/** The name of the tracer the framework's spans come from. */
export const TRACER_NAME = '@org/core';

/**
 * Runs `fn` inside a span named `name` with the component's span attributes. Without an
 * OpenTelemetry SDK registered this costs next to nothing (the API's no-op tracer).
 */
export async function withComponentSpan<T>(
  name: string,
  component: Component,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER }, async (span) => {
    // Attributes are built only for a span that records: no cost without an SDK registered.
    if (span.isRecording()) span.setAttributes(component.getSpanAttributes() as Attributes);
    try {
      return await fn();
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: errorMessage(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
