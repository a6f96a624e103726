import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '@org/transports';
import { errorMessage } from '@org/transports';
import { Context, type ServerRequestExtra } from '../context/context';
import type { FrontSession } from '../context/frontSession';
import { runWithContext } from '../context/storage';
import type { Outcome } from '../observe/observedEvents';
import type { Observer } from '../observe/observer';
import type { AggregateProvider } from '../providers/aggregateProvider';
import {
  activeTracer,
  type FrontRequest,
  recordingTraceparent,
  withRequestSpan,
} from '../telemetry';

/** What a request is about, for the request event: a tool, prompt or resource. @internal */
export interface RequestSubject {
  /** The tool or prompt name, or the resource URI. */
  name?: string;
  /** The arguments of a tool call or prompt. */
  arguments?: Record<string, unknown>;
}

/** What the request handlers of one session share. @internal */
export interface HandlerKit {
  /** The SDK server of the session. */
  sdk: Server;
  /** The session. */
  session: FrontSession;
  /** The server's providers, as one. */
  providers: AggregateProvider;
  /** Page size of lists, if paginated. */
  pageSize: number | undefined;
  /** Whether internal error details are hidden from clients. */
  maskErrorDetails: boolean;
  /** Where problems are reported. */
  logger: Logger;
  /** Runs a handler body in a fresh request context. */
  run<T>(
    method: string,
    extra: ServerRequestExtra,
    fn: (context: Context) => Promise<T>,
    subject?: RequestSubject,
  ): Promise<T>;
}

/** The text of a tool result that reports an error (`isError: true`), if it is one. */
function toolError(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { isError, content } = result as { isError?: unknown; content?: unknown };
  if (isError !== true) return undefined;
  const first = Array.isArray(content) ? (content[0] as { text?: unknown } | undefined) : undefined;
  return typeof first?.text === 'string' ? first.text : 'tool reported an error';
}

function report(
  observer: Observer,
  context: Context,
  subject: RequestSubject | undefined,
  started: number,
  outcome: Outcome,
  error: string | undefined,
): void {
  const principal = context.principal;
  const traceparent = recordingTraceparent();
  observer.emit('request', {
    sessionId: context.session.id,
    requestId: String(context.requestId),
    method: context.method,
    ...(subject?.name !== undefined ? { name: subject.name } : {}),
    ...(context.server !== undefined ? { server: context.server } : {}),
    ...(principal ? { principal } : {}),
    durationMs: performance.now() - started,
    outcome,
    ...(error !== undefined ? { error } : {}),
    ...(subject?.arguments ? { arguments: subject.arguments } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
  });
}

/**
 * Builds the `run` of a {@link HandlerKit}: every handler body runs in its own {@link Context},
 * and, when something listens, its end is reported to `observer` as a `request` event.
 */
export function contextRunner(session: FrontSession, observer: Observer): HandlerKit['run'] {
  const handle: HandlerKit['run'] = async (method, extra, fn, subject) => {
    const context = new Context(session, method, extra);
    if (!observer.wants('request')) {
      try {
        return await runWithContext(context, () => fn(context));
      } finally {
        context.finish();
      }
    }
    const started = performance.now();
    try {
      const result = await runWithContext(context, () => fn(context));
      // An answer to a cancelled request never reaches its client.
      const failed = toolError(result);
      const outcome = context.signal.aborted ? 'cancelled' : failed === undefined ? 'ok' : 'error';
      report(observer, context, subject, started, outcome, failed);
      return result;
    } catch (error) {
      const outcome = context.signal.aborted ? 'cancelled' : 'error';
      report(observer, context, subject, started, outcome, errorMessage(error));
      throw error;
    } finally {
      context.finish();
    }
  };
  // With an OpenTelemetry SDK registered, each request runs in its own SERVER span.
  return (method, extra, fn, subject) => {
    const tracer = activeTracer();
    if (!tracer) return handle(method, extra, fn, subject);
    const request: FrontRequest = { method, requestId: extra.requestId, sessionId: session.id };
    if (subject?.name !== undefined) request.name = subject.name;
    if (extra._meta) request.meta = extra._meta;
    if (extra.requestInfo?.headers) request.headers = extra.requestInfo.headers;
    return withRequestSpan(tracer, request, () => handle(method, extra, fn, subject));
  };
}
