#!/usr/bin/env node
/**
 * The `org-mcp-proxy` program: parses the arguments, runs the proxy and shuts it down cleanly
 * on SIGINT or SIGTERM (or when the stdio client closes stdin). A second signal exits at once.
 */
import { createConsoleLogger, type Logger } from '@org/transports';
import { parseCliArgs } from './args';
import { CLI_NAME, type CliConfig } from './cliConfig';
import { EXIT_FAILURE, EXIT_OK, exitCodeFor, formatCliError } from './cliError';
import { helpText } from './help';
import { packageVersion } from './packageVersion';
import { type CliHandle, processIo, runCli } from './run';

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Startup failed: bad arguments or config (exit 2), or another failure (exit 1). */
function fail(error: unknown): never {
  process.stderr.write(formatCliError(error));
  process.exit(exitCodeFor(error));
}

/** Something failed while running and nobody handled it: one line, exit 1, no stack trace. */
function crash(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${CLI_NAME}: Unexpected failure: ${message}\n`);
  process.exit(EXIT_FAILURE);
}

/** Closes the proxy once; a signal during the shutdown exits at once. */
function installShutdown(handle: CliHandle, logger: Logger): void {
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    const limit = setTimeout(() => {
      process.stderr.write(`${CLI_NAME}: Shutdown took too long, exiting\n`);
      process.exit(EXIT_FAILURE);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    try {
      await handle.close();
    } catch (error) {
      crash(error);
    }
    logger.info('Proxy closed');
    process.exit(EXIT_OK);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(SIGNAL_EXIT[signal]);
      logger.info(`Received ${signal}, shutting down`);
      void stop();
    });
  }
  void handle.closed.then(() => {
    if (!stopping) void stop();
  });
}

async function run(config: CliConfig): Promise<void> {
  const logger = createConsoleLogger(config.logLevel, `${CLI_NAME} `);
  const handle = await runCli(config, { ...processIo(), logger });
  installShutdown(handle, logger);
}

async function main(argv: readonly string[]): Promise<void> {
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const command = parseCliArgs(argv);
  if (command.action === 'help') process.stdout.write(helpText());
  else if (command.action === 'version') process.stdout.write(`${packageVersion()}\n`);
  else await run(command.config);
}

main(process.argv.slice(2)).catch(fail);
