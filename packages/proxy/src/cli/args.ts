import { parseArgs } from 'node:util';
import { errorMessage } from '@org/transports';
import { CACHE_SCOPES } from '../provider/listCache';
import { SESSION_STRATEGIES } from '../server/sessionStrategy';
import {
  AUTH_TOKEN_ENV,
  CLI_LOG_FORMATS,
  CLI_LOG_LEVELS,
  CLI_NAME,
  CLI_TRANSPORTS,
  type CliBackend,
  type CliCommand,
  type CliConfig,
  type CliHttpConfig,
  type CliOperationsConfig,
} from './cliConfig';
import {
  backendArgument,
  endpointPath,
  envEntries,
  headerName,
  hostValue,
  integer,
  milliseconds,
  nonEmpty,
  oneOf,
  usageError,
} from './cliValues';
import { OAUTH_OPTIONS, parseOAuth } from './oauthArgs';

const OPTIONS = {
  transport: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  path: { type: 'string' },
  'auth-token': { type: 'string' },
  stateless: { type: 'boolean' },
  'allowed-host': { type: 'string', multiple: true },
  cors: { type: 'boolean' },
  'max-sessions': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-body': { type: 'string' },
  strategy: { type: 'string' },
  'cache-ttl': { type: 'string' },
  'cache-scope': { type: 'string' },
  'refresh-on-list': { type: 'boolean' },
  timeout: { type: 'string' },
  'max-total-timeout': { type: 'string' },
  'list-deadline': { type: 'string' },
  'forward-header': { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  'max-children': { type: 'string' },
  name: { type: 'string' },
  'log-level': { type: 'string' },
  'drain-timeout': { type: 'string' },
  'log-format': { type: 'string' },
  metrics: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'audit-log': { type: 'string' },
  'audit-arguments': { type: 'boolean' },
  otel: { type: 'boolean' },
  dashboard: { type: 'boolean' },
  'dashboard-scope': { type: 'string', multiple: true },
  'no-watch': { type: 'boolean' },
  'oauth-issuer': { type: 'string', multiple: true },
  'oauth-resource': { type: 'string' },
  'oauth-scope': { type: 'string', multiple: true },
  'oauth-jwks': { type: 'string' },
  'oauth-introspection': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseTokens>['values'];

/** `--max-sessions` and `--max-children`: 0 means no limit. */
const LIMIT_RANGE = { min: 0, max: 1_000_000 };
/** `--max-body`: at least one byte, at most 1 GiB. */
const BODY_RANGE = { min: 1, max: 1024 * 1024 * 1024 };

/** Options that only mean something when serving HTTP. */
const HTTP_ONLY = [
  'host',
  'port',
  'path',
  'auth-token',
  'stateless',
  'allowed-host',
  'cors',
  'max-sessions',
  'idle-timeout',
  'max-body',
  'metrics',
  'dashboard',
  'dashboard-scope',
  ...OAUTH_OPTIONS,
] as const;

/** Turns `util.parseArgs` errors (long, with advice) into short usage errors naming the option. */
function parseTokens(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = errorMessage(error);
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usageError(`Unknown option: ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw usageError(
        message.includes('does not take an argument')
          ? `Option takes no value: ${option}`
          : `Missing value for option: ${option}`,
      );
    }
    throw usageError(message);
  }
}

/** Whether `flags` appear before the `--` that starts a command. */
function hasFlag(argv: readonly string[], flags: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => flags.includes(arg));
}

/** The backend: one positional argument, or the command after `--`. */
function parseBackend(parsed: ReturnType<typeof parseTokens>, values: Values): CliBackend {
  const terminator = parsed.tokens.find((token) => token.kind === 'option-terminator');
  const before = parsed.tokens.filter(
    (token) => token.kind === 'positional' && (!terminator || token.index < terminator.index),
  );
  const command = terminator ? parsed.positionals.slice(before.length) : undefined;
  const extra = before[1];
  if (extra?.kind === 'positional') throw usageError(`Unexpected argument: ${extra.value}`);
  const given = before[0]?.kind === 'positional' ? before[0].value : undefined;
  if (given !== undefined && command) {
    throw usageError(`Give one backend, a URL or config file or -- <command>, not both: ${given}`);
  }
  if (command) {
    const [program, ...args] = command;
    if (program === undefined || program.trim() === '')
      throw usageError('Missing command after --');
    return { kind: 'command', command: program, args, env: envEntries(values.env ?? []) };
  }
  if (values.env?.length) throw usageError('Option needs a command backend (-- <command>): --env');
  if (given === undefined) {
    throw usageError('Missing backend (a URL, a config file, or -- <command> [args...])');
  }
  return backendArgument(given);
}

/** The HTTP front's settings; HTTP-only options with the stdio front are an error. */
function parseHttp(values: Values, stdio: boolean, env: NodeJS.ProcessEnv): CliHttpConfig {
  if (stdio) {
    const misplaced = HTTP_ONLY.find((option) => values[option] !== undefined);
    if (misplaced) throw usageError(`Option needs --transport http or sse: --${misplaced}`);
  }
  const token = values['auth-token'] ?? (stdio ? undefined : env[AUTH_TOKEN_ENV]);
  const oauth = parseOAuth(values, {
    ...(token !== undefined
      ? { tokenSource: values['auth-token'] !== undefined ? '--auth-token' : AUTH_TOKEN_ENV }
      : {}),
    forwardHeaders: (values['forward-header'] ?? []).map((name) => name.toLowerCase()),
    env,
  });
  return {
    host: nonEmpty(values.host ?? '127.0.0.1', '--host'),
    port: integer(values.port ?? '0', '--port', { min: 0, max: 65535 }),
    ...(values.path !== undefined ? { path: endpointPath(values.path) } : {}),
    ...(token !== undefined ? { authToken: nonEmpty(token, '--auth-token') } : {}),
    ...(oauth !== undefined ? { oauth } : {}),
    stateless: values.stateless ?? false,
    allowedHosts: (values['allowed-host'] ?? []).map(hostValue),
    cors: values.cors ?? false,
    ...(values['max-sessions'] !== undefined
      ? { maxSessions: integer(values['max-sessions'], '--max-sessions', LIMIT_RANGE) }
      : {}),
    ...(values['idle-timeout'] !== undefined
      ? { sessionIdleTimeoutMs: milliseconds(values['idle-timeout'], '--idle-timeout', 0) }
      : {}),
    ...(values['max-body'] !== undefined
      ? { maxBodyBytes: integer(values['max-body'], '--max-body', BODY_RANGE) }
      : {}),
  };
}

/** `--dashboard-scope` values (repeatable, or space-separated); they need `--dashboard`. */
function dashboardScopes(values: Values): { dashboardScopes?: string[] } {
  const scopes = (values['dashboard-scope'] ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  if (scopes.length === 0) return {};
  if (values.dashboard !== true) throw usageError('Option needs --dashboard: --dashboard-scope');
  return { dashboardScopes: scopes };
}

/** Metrics, logs, audit, traces, dashboard and reload: the operations settings. */
function parseOperations(
  values: Values,
  stdio: boolean,
  env: NodeJS.ProcessEnv,
): CliOperationsConfig {
  const audit = values['audit-log'];
  if (audit !== undefined && audit.trim() === '')
    throw usageError('Missing value for option: --audit-log');
  if (audit === '-' && stdio) {
    throw usageError(
      'Option --audit-log - (standard output) needs --transport http or sse: the stdio front owns standard output',
    );
  }
  if (values['audit-arguments'] && audit === undefined) {
    throw usageError('Option needs --audit-log: --audit-arguments');
  }
  const otelEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    logFormat: oneOf(values['log-format'] ?? 'text', CLI_LOG_FORMATS, 'log format'),
    metrics: values.metrics ?? false,
    ...(values['metrics-port'] !== undefined
      ? { metricsPort: integer(values['metrics-port'], '--metrics-port', { min: 0, max: 65535 }) }
      : {}),
    ...(audit !== undefined ? { auditLog: audit } : {}),
    auditArguments: values['audit-arguments'] ?? false,
    otel: values.otel === true || (otelEndpoint !== undefined && otelEndpoint !== ''),
    dashboard: values.dashboard ?? false,
    ...dashboardScopes(values),
    ...(values['no-watch'] ? { watch: false } : {}),
  };
}

/**
 * Parses and validates the CLI's arguments (without the `node` and script entries).
 * `--help` and `--version` win over anything else before `--`.
 *
 * @param argv - the arguments, such as `process.argv.slice(2)`
 * @param env - where `ORG_MCP_PROXY_AUTH_TOKEN` is read; defaults to `process.env`
 * @returns what to do: print help, print the version, or run a proxy with a {@link CliConfig}
 * @throws {@link ProxyError} with code `InvalidArguments` and a message naming what is wrong
 *
 * @example
 * ```ts
 * const command = parseCliArgs(['https://example.com/mcp', '--transport', 'http', '--port', '8080']);
 * if (command.action === 'run') await runCli(command.config);
 * ```
 */
export function parseCliArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliCommand {
  if (hasFlag(argv, ['--help', '-h'])) return { action: 'help' };
  if (hasFlag(argv, ['--version', '-v'])) return { action: 'version' };
  const parsed = parseTokens(argv);
  const { values } = parsed;
  const transport = oneOf(values.transport ?? 'stdio', CLI_TRANSPORTS, 'transport');
  const config: CliConfig = {
    backend: parseBackend(parsed, values),
    transport,
    http: parseHttp(values, transport === 'stdio', env),
    strategy: oneOf(values.strategy ?? 'per-session', SESSION_STRATEGIES, 'strategy'),
    forwardHeaders: (values['forward-header'] ?? []).map(headerName),
    logLevel: oneOf(values['log-level'] ?? 'info', CLI_LOG_LEVELS, 'log level'),
    name: nonEmpty(values.name ?? CLI_NAME, '--name'),
  };
  if (values['cache-ttl'] !== undefined) {
    config.cacheTtlMs = milliseconds(values['cache-ttl'], '--cache-ttl', 0);
  }
  if (values['cache-scope'] !== undefined) {
    config.cacheScope = oneOf(values['cache-scope'], CACHE_SCOPES, 'cache scope');
  }
  if (values['refresh-on-list']) config.refreshOnList = true;
  if (values.timeout !== undefined) {
    config.requestTimeoutMs = milliseconds(values.timeout, '--timeout', 1);
  }
  if (values['max-total-timeout'] !== undefined) {
    config.maxTotalTimeoutMs = milliseconds(values['max-total-timeout'], '--max-total-timeout', 1);
  }
  if (values['list-deadline'] !== undefined) {
    config.listDeadlineMs = milliseconds(values['list-deadline'], '--list-deadline', 1);
  }
  if (values['max-children'] !== undefined) {
    config.maxChildren = integer(values['max-children'], '--max-children', LIMIT_RANGE);
  }
  if (values['drain-timeout'] !== undefined) {
    config.drainTimeoutMs = milliseconds(values['drain-timeout'], '--drain-timeout', 0);
  }
  config.operations = parseOperations(values, transport === 'stdio', env);
  if (values['no-watch'] && config.backend.kind !== 'config') {
    throw usageError('Option --no-watch needs a config file to proxy: only a config is reloaded');
  }
  return { action: 'run', config };
}
