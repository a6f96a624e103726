import { type ConfigIssue, configError, formatConfigPath, prefixIssues } from './configError';
import { recordedConfigFile, rememberConfigFile, rememberConfigSource } from './configSource';
import { type EnvSource, expandServerEntry } from './expandEnv';
import { isRecord } from './isRecord';
import { issueMessage, remoteServerSchema, stdioServerSchema } from './mcpConfigSchema';
import type {
  DisabledServerConfig,
  McpConfig,
  McpServerConfig,
  ParseMcpConfigOptions,
} from './types';

/** Where the server map of a raw config is: its key (none for a bare map) and the rest. */
interface LocatedServers {
  key: 'mcpServers' | 'servers' | undefined;
  servers: Record<string, unknown>;
  rest: Record<string, unknown>;
}

function looksLikeServer(value: unknown): boolean {
  return isRecord(value) && (Object.hasOwn(value, 'command') || Object.hasOwn(value, 'url'));
}

/** Finds the server map: `mcpServers`, VS Code's `servers`, or the object itself (FastMCP). */
function locateServers(value: unknown): LocatedServers | ConfigIssue {
  if (!isRecord(value)) return { path: [], message: 'expected an object' };
  const { mcpServers, servers, ...rest } = value;
  if (mcpServers !== undefined && servers !== undefined) {
    return { path: ['servers'], message: 'cannot be combined with mcpServers' };
  }
  const key =
    mcpServers !== undefined ? 'mcpServers' : servers !== undefined ? 'servers' : undefined;
  if (key !== undefined) {
    const map = value[key];
    if (!isRecord(map)) return { path: [key], message: 'expected an object of server entries' };
    return { key, servers: map, rest };
  }
  if (Object.values(value).some(looksLikeServer)) return { key, servers: value, rest: {} };
  return { path: ['mcpServers'], message: 'no servers defined' };
}

type ParsedEntry = McpServerConfig | DisabledServerConfig;

/** Checks which kind an entry is; returns an issue when it is neither or both. */
function entryKindIssue(entry: Record<string, unknown>): ConfigIssue | undefined {
  const hasCommand = entry.command !== undefined;
  const hasUrl = entry.url !== undefined;
  if (hasCommand && hasUrl)
    return { path: [], message: 'expected either command or url, not both' };
  if (!hasCommand && !hasUrl) {
    return { path: [], message: 'expected a command (stdio) or a url (remote)' };
  }
  return undefined;
}

/**
 * Expands (when `env` is given) and validates one entry; a disabled entry is kept verbatim.
 * Paths are entry-relative.
 */
function parseServerEntry(
  entry: unknown,
  env: EnvSource | undefined,
): { value?: ParsedEntry; issues: ConfigIssue[] } {
  if (!isRecord(entry)) return { issues: [{ path: [], message: 'expected an object' }] };
  if (entry.disabled === true) return { value: entry as DisabledServerConfig, issues: [] };
  const kindIssue = entryKindIssue(entry);
  if (kindIssue) return { issues: [kindIssue] };
  const expanded = env ? expandServerEntry(entry, env) : { value: entry, issues: [] };
  const schema = entry.command !== undefined ? stdioServerSchema : remoteServerSchema;
  const result = schema.safeParse(expanded.value, { error: issueMessage });
  if (result.success && expanded.issues.length === 0) return { value: result.data, issues: [] };
  // A field whose expansion failed is not also reported as invalid (it still holds `${...}`).
  const unexpanded = new Set(expanded.issues.map((issue) => formatConfigPath(issue.path)));
  const invalid = (result.error?.issues ?? [])
    .map((issue) => ({ path: issue.path, message: issue.message }))
    .filter((issue) => !unexpanded.has(formatConfigPath(issue.path)));
  return { issues: [...expanded.issues, ...invalid] };
}

/**
 * The problems of a server map that no parse checked (a config built in code), found as
 * {@link parseMcpConfig} finds a file's but without `${VAR}` expansion. Paths start with
 * `mcpServers`. Internal.
 */
export function unparsedServersIssues(servers: unknown): ConfigIssue[] {
  if (!isRecord(servers)) {
    return [{ path: ['mcpServers'], message: 'expected an object of server entries' }];
  }
  const issues: ConfigIssue[] = [];
  for (const [name, entry] of Object.entries(servers)) {
    issues.push(...prefixIssues(['mcpServers', name], parseServerEntry(entry, undefined).issues));
  }
  return issues;
}

/**
 * Validates an `mcpServers` config (already JSON-parsed) and expands its variable references.
 *
 * Accepted shapes: `{ mcpServers: { <name>: entry } }` (Claude Desktop, Cursor), VS Code's
 * `{ servers: { <name>: entry }, inputs: [...] }`, and a bare `{ <name>: entry }` map (when some
 * value is an object with `command` or `url`, as FastMCP does). The result always holds the
 * servers under `mcpServers`, in the original order; other top-level keys and unknown entry keys
 * are kept.
 *
 * In `command`, `args`, `env` values, `cwd`, `url`, `headers` values and `auth`, `${VAR}` and
 * `${env:VAR}` are replaced by the variable's value and `${VAR:-default}` by the default when
 * the variable is unset or empty. Entries with `disabled: true` are kept verbatim, neither
 * validated nor expanded.
 *
 * @param value - the parsed JSON
 * @param options - the source name for messages and the environment
 * @returns the validated, expanded config
 * @throws {@link ProxyError} with code `InvalidConfig` listing every problem, one per line, as
 *   `<source>: <path>: <what is wrong>`, for example
 *   `config: mcpServers.weather.url: expected an http(s) URL`. Values are never quoted. A
 *   config without an enabled server is an error too.
 */
export function parseMcpConfig(value: unknown, options: ParseMcpConfigOptions = {}): McpConfig {
  const source = options.source ?? 'config';
  const env = options.env ?? process.env;
  const located = locateServers(value);
  if ('message' in located) throw configError(source, [located]);
  const prefix = located.key === undefined ? [] : [located.key];
  const issues: ConfigIssue[] = [];
  const parsed: [string, ParsedEntry][] = [];
  for (const [name, entry] of Object.entries(located.servers)) {
    const result = parseServerEntry(entry, env);
    issues.push(...prefixIssues([...prefix, name], result.issues));
    if (result.value) parsed.push([name, result.value]);
  }
  if (issues.length > 0) throw configError(source, issues);
  if (!parsed.some(([, server]) => server.disabled !== true)) {
    const message = parsed.length === 0 ? 'no servers defined' : 'no enabled servers';
    throw configError(source, [{ path: prefix, message }]);
  }
  const config: McpConfig = { mcpServers: Object.fromEntries(parsed), ...located.rest };
  rememberConfigSource(config, source);
  // A config read from a file, parsed again (a planner checks what it is given), keeps its file.
  const file =
    typeof value === 'object' && value !== null
      ? recordedConfigFile(value as McpConfig)
      : undefined;
  if (file !== undefined) rememberConfigFile(config, file);
  return config;
}
