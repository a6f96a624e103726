import type { Logger, LogLevelName } from '@org/transports';
import { pino } from 'pino';
import { bindRedactor, Redactor } from './redact';

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** The lowest level written; `silent` writes nothing. @default 'info' */
  level?: LogLevelName;
  /** Where the lines go (never standard output, which a stdio front owns). @default process.stderr */
  stream?: NodeJS.WritableStream;
  /** What masks secrets in messages and fields. @default a new {@link Redactor} */
  redactor?: Redactor;
}

/** Whether a meta item is a plain record whose keys become fields of the line. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Turns the meta of a {@link Logger} call into the fields of one JSON line. */
function fieldsOf(meta: unknown[], redactor: Redactor): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const rest: unknown[] = [];
  for (const item of meta) {
    if (item instanceof Error) fields.err = redactor.value(item);
    else if (isRecord(item)) Object.assign(fields, redactor.value(item));
    else rest.push(redactor.value(item));
  }
  if (rest.length) fields.meta = rest;
  return fields;
}

/**
 * A {@link Logger} writing one JSON object per line with [pino](https://getpino.io): `level`
 * (its name: `debug`, `info`, `warn`, `error`), `time` (ISO 8601), `msg`, and the fields of the
 * call's meta: a plain object's keys are merged into the line, an `Error` becomes
 * `err: { name, message }`, anything else is listed under `meta`. Messages and fields pass
 * through a {@link Redactor} first. Lines are written synchronously, so none is lost on exit.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger({ level: 'debug' });
 * logger.info('tools/call whoami ok', { sessionId: 's1', durationMs: 3 });
 * // {"level":"info","time":"2026-01-01T00:00:00.000Z","sessionId":"s1","durationMs":3,"msg":"tools/call whoami ok"}
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const redactor = options.redactor ?? new Redactor();
  const stream = options.stream ?? process.stderr;
  const destination = { write: (line: string) => stream.write(line) };
  const base = pino(
    {
      level: options.level ?? 'info',
      // No pid, hostname or logger name: `name` is the request's tool, prompt or URI.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const write =
    (level: keyof Logger) =>
    (message: string, ...meta: unknown[]): void => {
      if (!base.isLevelEnabled(level)) return;
      base[level](fieldsOf(meta, redactor), redactor.text(message));
    };
  return bindRedactor(
    { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') },
    redactor,
  );
}
