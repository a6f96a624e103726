import { type FileHandle, open } from 'node:fs/promises';
import type { Observer, RequestEvent } from '@org/core';
import { errorMessage, type Logger, noopLogger } from '@org/transports';
import { Redactor } from './redact';
import { WORK_METHODS } from './requestLog';

/** One line of the audit log: a tool call, resource read or prompt render, answered. */
export interface AuditRecord {
  /** When it was answered, ISO 8601. */
  time: string;
  /** The caller's subject, or `null` when the front authenticated nobody. */
  principal: string | null;
  /** The front session's id. */
  session: string;
  /** The JSON-RPC id of the request, as a string. */
  requestId: string;
  /** The backend that served it, or `null` for a local component. */
  server: string | null;
  /** `tools/call`, `resources/read` or `prompts/get`. */
  method: string;
  /** The tool or prompt name, or the resource URI. */
  name: string | null;
  /** `ok`, `error` or `cancelled`. */
  outcome: RequestEvent['outcome'];
  /** Wall time in milliseconds, rounded to 0.1 ms. */
  durationMs: number;
  /** The error's message, or `null`. */
  error: string | null;
  /** The tool's or prompt's arguments, redacted; only with `arguments: true`. */
  arguments?: unknown;
}

/** Options of {@link startAuditLog}. */
export interface AuditLogOptions {
  /**
   * Where the lines go: a file path (appended to; created with mode 0600), `-` for `stdout`,
   * or a stream.
   */
  destination: string | NodeJS.WritableStream;
  /** Put the arguments of tool calls and prompt renders in the records, redacted. @default false */
  arguments?: boolean;
  /** What masks secrets in errors, names and arguments. @default a new {@link Redactor} */
  redactor?: Redactor;
  /** The stream `-` means. @default process.stdout */
  stdout?: NodeJS.WritableStream;
  /** Where a failure to write is reported (once). @default noopLogger */
  logger?: Logger;
}

/** A running audit log (see {@link startAuditLog}). */
export interface AuditLog {
  /** Stops listening and resolves once every line is written (a file is synced and closed). */
  close(): Promise<void>;
}

interface Sink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

function streamSink(stream: NodeJS.WritableStream): Sink {
  return {
    write: (chunk) =>
      new Promise((resolve, reject) => {
        stream.write(chunk, (error) => (error ? reject(error) : resolve()));
      }),
    close: async () => {},
  };
}

function fileSink(handle: FileHandle): Sink {
  return {
    write: async (chunk) => {
      await handle.write(chunk);
    },
    close: async () => {
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}

/** The audit record of a request event, or `undefined` for a method the audit log skips. */
export function auditRecord(
  event: RequestEvent,
  redactor: Redactor,
  withArguments: boolean,
): AuditRecord | undefined {
  if (!WORK_METHODS.has(event.method)) return undefined;
  return {
    time: new Date().toISOString(),
    principal: event.principal?.subject ?? null,
    session: event.sessionId,
    requestId: event.requestId,
    server: event.server ?? null,
    method: event.method,
    name: event.name === undefined ? null : redactor.text(event.name),
    outcome: event.outcome,
    durationMs: Math.round(event.durationMs * 10) / 10,
    error: event.error === undefined ? null : redactor.text(event.error),
    ...(withArguments && event.method !== 'resources/read'
      ? { arguments: redactor.value(event.arguments ?? {}) }
      : {}),
  };
}

/**
 * Starts an audit log: one JSON line ({@link AuditRecord}) per tool call, resource read and
 * prompt render answered, from `observer`'s `request` events, with the caller's subject, the
 * session, the backend, the name, the outcome and the duration. Arguments are left out unless
 * `arguments` is set, and are redacted then. Lines are written in order, off the request path;
 * `close()` resolves once all of them are written (and a file synced).
 *
 * @returns the log, once its file is open
 * @throws the error of opening the file (a missing directory, no permission)
 *
 * @example
 * ```ts
 * const audit = await startAuditLog(proxy.observer, { destination: '/var/log/mcp-audit.jsonl' });
 * // ... on shutdown, after the proxy closed:
 * await audit.close();
 * ```
 */
export async function startAuditLog(
  observer: Observer,
  options: AuditLogOptions,
): Promise<AuditLog> {
  const { destination } = options;
  const redactor = options.redactor ?? new Redactor();
  const logger = options.logger ?? noopLogger;
  const withArguments = options.arguments ?? false;
  const sink =
    typeof destination !== 'string'
      ? streamSink(destination)
      : destination === '-'
        ? streamSink(options.stdout ?? process.stdout)
        : fileSink(await open(destination, 'a', 0o600));
  let pending: string[] = [];
  let flushing: Promise<void> | undefined;
  let failed = false;
  const drain = async (): Promise<void> => {
    // Each round writes what queued during the last one: bounded by the lines queued.
    while (pending.length > 0) {
      const chunk = pending.join('');
      pending = [];
      try {
        await sink.write(chunk);
      } catch (error) {
        if (!failed) logger.warn(`Audit log: writing failed: ${errorMessage(error)}`);
        failed = true;
      }
    }
    flushing = undefined;
  };
  const stop = observer.on('request', (event) => {
    const record = auditRecord(event, redactor, withArguments);
    if (record === undefined) return;
    pending.push(`${JSON.stringify(record)}\n`);
    flushing ??= drain();
  });
  let closing: Promise<void> | undefined;
  return {
    close: () => {
      closing ??= (async () => {
        stop();
        await flushing;
        await sink.close();
      })();
      return closing;
    },
  };
}
