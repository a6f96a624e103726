import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from './serve';

/** What the command line asks for. */
export interface CliArgs {
  /** Keep the proxy up over HTTP instead of running the tour. */
  serve: boolean;
  /** The port of `--serve`. */
  port: number;
  /** Print the usage and exit. */
  help: boolean;
}

/** The usage text. */
export const USAGE = `Usage: pnpm play [-- --serve [--port <n>]]   (in apps/playground: node dist/main.js ...)

  (no option)   run the tour: start the demo backends and the proxy, walk a client
                through every feature, exit 0 on success and 1 on any failure
  --serve       keep the proxy up over streamable HTTP for your own MCP client
  --port <n>    the port of --serve (default ${DEFAULT_PORT}; 0 picks a free one)
  --help        show this text`;

/** A command line the playground does not understand. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        serve: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Parses the command line. A `--` (what `pnpm play -- --serve` may pass on) is ignored.
 * @throws UsageError for an unknown option or a bad port
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const values = parse(argv);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Port must be an integer from 0 to 65535: ${values.port}`);
  }
  if (values.port !== undefined && !values.serve) {
    throw new UsageError('Option --port needs --serve');
  }
  return { serve: values.serve ?? false, port, help: values.help ?? false };
}
