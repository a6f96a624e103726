import { errorMessage, ProxyError, ProxyErrorCode } from '@org/transports';
import { CLI_NAME } from './cliConfig';
import { USAGE_HINT } from './help';

/** Exit code of a clean shutdown. */
export const EXIT_OK = 0;
/** Exit code of a failure while running (a crash). */
export const EXIT_FAILURE = 1;
/** Exit code of bad arguments, a bad config file or an address that cannot be bound. */
export const EXIT_USAGE = 2;

const USAGE_CODES: readonly ProxyErrorCode[] = [
  ProxyErrorCode.InvalidArguments,
  ProxyErrorCode.InvalidConfig,
  ProxyErrorCode.InvalidTarget,
];

/** Whether an error is the user's input being wrong (exit code 2) rather than a failure. */
export function isUsageError(error: unknown): boolean {
  return error instanceof ProxyError && USAGE_CODES.includes(error.code);
}

/** The exit code for an error: 2 for bad arguments, config or address, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  return isUsageError(error) ? EXIT_USAGE : EXIT_FAILURE;
}

/** The system error code (`EADDRINUSE`) of an error's cause, when its message lacks it. */
function causeCode(error: unknown, message: string): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && !message.includes(code) ? ` (${code})` : '';
}

/**
 * What the CLI prints for an error: every line of its message prefixed with the program name,
 * then, for a usage error, a hint to `--help`. Never a stack trace.
 */
export function formatCliError(error: unknown): string {
  const text = errorMessage(error);
  const message = `${text}${causeCode(error, text)}`;
  const lines = (text.trim() === '' ? 'Unknown error' : message)
    .split('\n')
    .map((line) => `${CLI_NAME}: ${line}`);
  if (isUsageError(error)) lines.push(USAGE_HINT);
  return `${lines.join('\n')}\n`;
}
