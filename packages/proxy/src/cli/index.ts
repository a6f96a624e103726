/**
 * The programmatic side of the `org-mcp-proxy` CLI: parse a command line into a validated
 * {@link CliConfig}, then run it with {@link runCli}. The program itself is `main.ts`.
 */
export { parseCliArgs } from './args';
export type {
  CliBackend,
  CliCommand,
  CliConfig,
  CliHttpConfig,
  CliTransport,
} from './cliConfig';
export { AUTH_TOKEN_ENV, CLI_LOG_LEVELS, CLI_NAME, CLI_TRANSPORTS } from './cliConfig';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor, formatCliError } from './cliError';
export { helpText, USAGE_HINT } from './help';
export type { CliHandle, CliIo } from './run';
export { processIo, runCli } from './run';
