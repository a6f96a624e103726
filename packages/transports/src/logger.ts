/**
 * The logger every part of the framework accepts. Libraries never write to the console; pass
 * a logger (for example `console`, or a pino/winston instance) to see what they report.
 */
export interface Logger {
  /** Detail useful while debugging. */
  debug(message: string, ...meta: unknown[]): void;
  /** Normal operation worth recording. */
  info(message: string, ...meta: unknown[]): void;
  /** Something went wrong but the framework carries on. */
  warn(message: string, ...meta: unknown[]): void;
  /** Something failed. */
  error(message: string, ...meta: unknown[]): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default wherever a logger is optional. */
export const noopLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});

/** The levels of {@link createConsoleLogger}, lowest first. */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevelName, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * A logger writing to standard error (never standard output, which a stdio transport owns),
 * keeping messages at or above `level`.
 */
export function createConsoleLogger(level: LogLevelName = 'info', prefix = ''): Logger {
  const write =
    (name: Exclude<LogLevelName, 'silent'>) =>
    (message: string, ...meta: unknown[]) => {
      if (ORDER[name] < ORDER[level]) return;
      const extra = meta.length
        ? ` ${meta.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`
        : '';
      process.stderr.write(`${prefix}[${name}] ${message}${extra}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
