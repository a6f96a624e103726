#!/usr/bin/env node
/**
 * The `org-mcp-proxy` program: parses the arguments, runs the proxy and shuts it down cleanly
 * on SIGINT or SIGTERM, after draining the requests in flight (or when the stdio client closes
 * stdin). A second signal exits at once.
 */
import { errorMessage, type Logger } from '@org/transports';
import { createCliLogger } from '../ops/cliLogs';
import { parseCliArgs } from './args';
import { runAuthCommand } from './authCommands';
import { CLI_NAME, type CliConfig } from './cliConfig';
import { EXIT_FAILURE, EXIT_OK, exitCodeFor, formatCliError } from './cliError';
import type { CliDrainResult } from './drainGate';
import { helpText } from './help';
import { packageVersion } from './packageVersion';
import { runPinsCommand } from './pinsCommand';
import { type CliHandle, processIo, runCli } from './run';

/** How long closing may take (after the drain) before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

/** How long requests in flight may take to finish after SIGTERM or SIGINT, by default. */
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Exit code of a shutdown whose drain deadline passed with requests still in flight. */
const EXIT_DRAIN_CUT_OFF = 3;

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Startup failed: bad arguments or config (exit 2), or another failure (exit 1). */
function fail(error: unknown): never {
  process.stderr.write(formatCliError(error));
  process.exit(exitCodeFor(error));
}

/** Something failed while running and nobody handled it: one line, exit 1, no stack trace. */
function crash(error: unknown): never {
  const message = errorMessage(error);
  process.stderr.write(`${CLI_NAME}: Unexpected failure: ${message}\n`);
  process.exit(EXIT_FAILURE);
}

/** `1 request` / `2 requests`. */
function requests(count: number, adjective = ''): string {
  return `${count} ${adjective}request${count === 1 ? '' : 's'}`;
}

/** The line that tells how a drain went. */
function drainLine({ inFlight, cutOff, abandoned }: CliDrainResult): string {
  const gone = abandoned > 0 ? `; ${abandoned} ended with their client, which went away` : '';
  if (cutOff > 0) return `Drain deadline passed: ${requests(cutOff)} cut off${gone}`;
  if (inFlight === 0) return 'Drained: no requests were in flight';
  if (abandoned > 0) {
    return `Drained: ${inFlight - abandoned} of ${requests(inFlight, 'in-flight ')} finished${gone}`;
  }
  return `Drained: all ${requests(inFlight, 'in-flight ')} finished`;
}

/**
 * Shuts the proxy down once. On SIGINT or SIGTERM: stop taking new requests, let those in flight
 * finish up to the drain deadline, then close sessions and children; exit 0 when the drain was
 * complete, 3 when requests were cut off. When the stdio client closed stdin there is nobody to
 * answer: close at once, exit 0. A signal during the shutdown exits at once (the `exit` hook of
 * `@org/transports` still kills every child and its process group).
 */
function installShutdown(handle: CliHandle, logger: Logger, drainTimeoutMs: number): void {
  let stopping = false;
  const stop = async (drain: boolean): Promise<void> => {
    stopping = true;
    let code = EXIT_OK;
    try {
      if (drain) {
        const result = await handle.drain(drainTimeoutMs);
        process.stderr.write(`${CLI_NAME}: ${drainLine(result)}\n`);
        if (result.cutOff > 0) code = EXIT_DRAIN_CUT_OFF;
      }
      const limit = setTimeout(() => {
        process.stderr.write(`${CLI_NAME}: Shutdown took too long, exiting\n`);
        process.exit(EXIT_FAILURE);
      }, SHUTDOWN_LIMIT_MS);
      limit.unref();
      await handle.close();
    } catch (error) {
      crash(error);
    }
    logger.info('Proxy closed');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write(
          `${CLI_NAME}: Received ${signal} during the shutdown, exiting at once\n`,
        );
        process.exit(SIGNAL_EXIT[signal]);
      }
      logger.info(`Received ${signal}, shutting down`);
      void stop(true);
    });
  }
  void handle.closed.then(() => {
    if (!stopping) void stop(false);
  });
}

/**
 * SIGHUP reloads the config file, for a proxy of one (without a handler SIGHUP would end the
 * process, as it does for the other proxies). The outcome is logged by the reload itself.
 */
function installReload(handle: CliHandle, config: CliConfig, logger: Logger): void {
  if (config.backend.kind !== 'config') return;
  process.on('SIGHUP', () => {
    logger.info('Received SIGHUP, reloading the config');
    void handle.reload();
  });
}

async function run(config: CliConfig): Promise<void> {
  const logger = createCliLogger(config, process.stderr, `${CLI_NAME} `);
  const handle = await runCli(config, { ...processIo(), logger });
  installShutdown(handle, logger, config.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  installReload(handle, config, logger);
}

async function main(argv: readonly string[]): Promise<void> {
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  if (argv[0] === 'pins') {
    process.stdout.write(await runPinsCommand(argv.slice(1)));
    return;
  }
  if (argv[0] === 'login' || argv[0] === 'logout' || argv[0] === 'auth') {
    const write = (text: string) => process.stderr.write(text);
    process.stdout.write(await runAuthCommand(argv[0], argv.slice(1), write));
    return;
  }
  const command = parseCliArgs(argv);
  if (command.action === 'help') process.stdout.write(helpText());
  else if (command.action === 'version') process.stdout.write(`${packageVersion()}\n`);
  else await run(command.config);
}

main(process.argv.slice(2)).catch(fail);
