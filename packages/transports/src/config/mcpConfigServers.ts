import type { HttpTarget, StdioTarget } from '../client/targets';
import { configError } from './configError';
import type {
  McpConfig,
  McpServerConfig,
  McpServerEntry,
  McpServerOptions,
  RemoteServerConfig,
  StdioServerConfig,
} from './types';

function isStdioServer(server: McpServerConfig): server is StdioServerConfig {
  return typeof server.command === 'string';
}

function stdioTarget(name: string, server: StdioServerConfig): StdioTarget {
  const target: StdioTarget = { name, command: server.command };
  if (server.args) target.args = [...server.args];
  if (server.env) target.env = { ...server.env };
  if (server.cwd !== undefined) target.cwd = server.cwd;
  const keepAlive = server.keepAlive ?? server.keep_alive;
  if (keepAlive !== undefined) target.keepAlive = keepAlive;
  if (server.stderr) target.stderr = server.stderr;
  return target;
}

function httpTarget(name: string, server: RemoteServerConfig): HttpTarget {
  const target: HttpTarget = { name, url: server.url };
  const transport = server.transport ?? server.type;
  if (transport) target.transport = transport;
  if (server.headers) target.headers = { ...server.headers };
  if (server.auth !== undefined) target.auth = server.auth;
  return target;
}

function serverOptions(server: McpServerConfig): McpServerOptions {
  const options: McpServerOptions = {};
  if (server.include_tags) options.includeTags = [...server.include_tags];
  if (server.exclude_tags) options.excludeTags = [...server.exclude_tags];
  if (server.tools) options.tools = structuredClone(server.tools);
  if (server.description !== undefined) options.description = server.description;
  return options;
}

/**
 * The enabled servers of a config, in config order, each turned into a connector target and
 * its proxy options.
 *
 * A stdio entry gives a `StdioTarget` (`command`, `args`, `env`, `cwd`, `keepAlive` from
 * `keepAlive` or `keep_alive`, `stderr`); a remote entry gives an `HttpTarget` (`url`
 * verbatim, `transport` from `transport` or `type` and otherwise left unset so the connector
 * infers it from the URL, `headers`, `auth`). Each target's `name` is the server's name.
 * Entries with `disabled: true` are left out.
 *
 * @param config - a config from {@link parseMcpConfig} or {@link loadMcpConfig}
 * @throws {@link ProxyError} with code `InvalidConfig` when no server is enabled
 */
export function mcpConfigServers(config: McpConfig): McpServerEntry[] {
  const entries: McpServerEntry[] = [];
  for (const [name, entry] of Object.entries(config.mcpServers)) {
    if (entry.disabled === true) continue;
    const server = entry as McpServerConfig;
    const target = isStdioServer(server)
      ? stdioTarget(name, server)
      : httpTarget(name, server as RemoteServerConfig);
    entries.push({ name, target, options: serverOptions(server) });
  }
  if (entries.length === 0) {
    throw configError('config', [{ path: ['mcpServers'], message: 'no enabled servers' }]);
  }
  return entries;
}
