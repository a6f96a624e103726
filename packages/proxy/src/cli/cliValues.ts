import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { CliBackend } from './cliConfig';

/** The largest timer delay Node accepts (about 24.8 days); longer ones fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const HTTP_URL = /^https?:\/\//i;
const SCRIPT_FILE = /\.(?:js|mjs|cjs|ts|py)$/i;

/** A usage error: the CLI prints its message and a hint, and exits with code 2. */
export function usageError(message: string): ProxyError {
  return new ProxyError(ProxyErrorCode.InvalidArguments, message);
}

/** Lists choices for a message: `a, b or c`. */
export function choiceList(choices: readonly string[]): string {
  return choices.length < 2
    ? choices.join('')
    : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/** Checks that `value` is one of `choices`. */
export function oneOf<T extends string>(value: string, choices: readonly T[], what: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`Unknown ${what} (expected ${choiceList(choices)}): ${value}`);
}

/** Parses a whole number of at least `min` (milliseconds or a port), at most `max`. */
export function integer(
  value: string,
  option: string,
  range: { min: number; max: number },
): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(parsed) && parsed >= range.min && parsed <= range.max) return parsed;
  throw usageError(
    `Invalid ${option} (expected an integer from ${range.min} to ${range.max}): ${value}`,
  );
}

/** Parses a delay in milliseconds, at least `min`. */
export function milliseconds(value: string, option: string, min: number): number {
  return integer(value, option, { min, max: MAX_DELAY_MS });
}

/** Checks that a string option is not empty. */
export function nonEmpty(value: string, option: string): string {
  if (value.trim() === '') throw usageError(`Empty value for option: ${option}`);
  return value;
}

/** Checks an endpoint path (`/mcp`). */
export function endpointPath(value: string): string {
  if (/^\/\S*$/.test(value)) return value;
  throw usageError(`Invalid --path (expected a path starting with /): ${value}`);
}

/** Checks an HTTP header name. */
export function headerName(value: string): string {
  if (HEADER_NAME.test(value)) return value;
  throw usageError(`Invalid header name for --forward-header: ${value}`);
}

/** Checks a Host header value (`example.com` or `example.com:8443`). */
export function hostValue(value: string): string {
  if (/^[^\s/]+$/.test(value)) return value;
  throw usageError(`Invalid host for --allowed-host: ${value}`);
}

/**
 * Parses `--env KEY=VALUE` entries. A value may be a secret, so messages show the variable
 * name at most, never the value (nor an entry without `=`, which might be a bare value).
 */
export function envEntries(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  entries.forEach((entry, index) => {
    const equals = entry.indexOf('=');
    if (equals < 0) {
      throw usageError(`Invalid --env (expected KEY=VALUE; the entry is not shown): #${index + 1}`);
    }
    const key = entry.slice(0, equals);
    if (!ENV_NAME.test(key)) throw usageError(`Invalid variable name for --env: ${key}`);
    env[key] = entry.slice(equals + 1);
  });
  return env;
}

/** A URL that does not parse, without userinfo, query or fragment (they may hold secrets). */
function withoutSecrets(url: string): string {
  return url.replace(/[?#].*$/s, '').replace(/^([a-z]+:\/\/)[^/]*@/i, '$1');
}

/**
 * Turns the backend argument into a URL or config file backend. URLs are shown without
 * credentials, query or fragment.
 */
export function backendArgument(value: string): CliBackend {
  if (HTTP_URL.test(value)) {
    if (!URL.canParse(value)) throw usageError(`Invalid backend URL: ${withoutSecrets(value)}`);
    return { kind: 'url', url: value };
  }
  const scheme = URL_SCHEME.exec(value)?.[1];
  if (scheme) {
    throw usageError(`Unsupported backend URL scheme (expected http or https): ${scheme}:`);
  }
  if (value.trim() === '') throw usageError('Empty backend argument');
  if (SCRIPT_FILE.test(value)) {
    throw usageError(
      `A script is run as a command after -- (for example -- node server.js), not given as a config file: ${value}`,
    );
  }
  return { kind: 'config', file: value };
}
