import { dirname, resolve } from 'node:path';
import { FileTokenStore } from '../client/oauthFileStore';
import type { OAuthBackendOptions } from '../client/oauthOptions';
import type { HttpTarget, StdioTarget } from '../client/targets';
import { configError } from './configError';
import { IN_CODE_CONFIG_SOURCE, recordedConfigFile, recordedConfigSource } from './configSource';
import { unparsedServersIssues } from './parseMcpConfig';
import type {
  McpConfig,
  McpServerConfig,
  McpServerEntry,
  McpServerOptions,
  ParseMcpConfigOptions,
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

/** The sign-in options of an entry with `oauth` (or `"auth": "oauth"`), else undefined. */
function oauthOptions(
  name: string,
  server: RemoteServerConfig,
  file: string | undefined,
): OAuthBackendOptions | undefined {
  const block = server.oauth ?? (server.auth === 'oauth' ? {} : undefined);
  if (!block) return undefined;
  const options: OAuthBackendOptions = {
    ...(file ? { loginCommand: `org-mcp-proxy login ${name} --config ${file}` } : {}),
  };
  if (block.client_id !== undefined) options.clientId = block.client_id;
  if (block.client_secret !== undefined) options.clientSecret = block.client_secret;
  if (block.client_metadata_url !== undefined)
    options.clientMetadataUrl = block.client_metadata_url;
  if (block.scopes) options.scopes = [...block.scopes];
  if (block.redirect_port !== undefined) options.redirectPort = block.redirect_port;
  if (block.token_store !== undefined) {
    options.store = new FileTokenStore(
      file ? resolve(dirname(file), block.token_store) : resolve(block.token_store),
    );
  }
  return options;
}

function httpTarget(name: string, server: RemoteServerConfig, file?: string): HttpTarget {
  const target: HttpTarget = { name, url: server.url };
  const transport = server.transport ?? server.type;
  if (transport) target.transport = transport;
  if (server.headers) target.headers = { ...server.headers };
  const oauth = oauthOptions(name, server, file);
  if (oauth) target.oauth = oauth;
  else if (server.auth !== undefined) target.auth = server.auth;
  const exchange = server.token_exchange;
  if (exchange) {
    target.tokenExchange = {
      tokenEndpoint: exchange.token_endpoint,
      clientId: exchange.client_id,
      clientSecret: exchange.client_secret,
      resource: exchange.resource ?? server.url,
      ...(exchange.audience !== undefined ? { audience: exchange.audience } : {}),
      ...(exchange.scope !== undefined ? { scope: exchange.scope } : {}),
    };
  }
  return target;
}

function serverOptions(server: McpServerConfig): McpServerOptions {
  const options: McpServerOptions = {};
  if (server.include_tags) options.includeTags = [...server.include_tags];
  if (server.exclude_tags) options.excludeTags = [...server.exclude_tags];
  if (server.tools) options.tools = structuredClone(server.tools);
  if (server.description !== undefined) options.description = server.description;
  if (server.required !== undefined) options.required = server.required;
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
 * A config returned by {@link parseMcpConfig} or {@link loadMcpConfig} is used as it is, and
 * errors name its source (the file). Any other config (one built in code, or a copy of a loaded
 * one) is first validated as {@link parseMcpConfig} validates a file (without `${VAR}`
 * expansion), and errors call it `config (built in code)` unless `options.source` names it.
 *
 * @param config - a config from {@link parseMcpConfig} or {@link loadMcpConfig}, or one built in
 *   code
 * @param options - `source`: what error messages call the config, overriding the recorded file
 * @throws {@link ProxyError} with code `InvalidConfig` when no server is enabled
 *   (`mcp.json: mcpServers: no enabled servers`) or a config built in code is invalid
 *   (`config (built in code): mcpServers.weather.url: expected an http(s) URL`)
 */
export function mcpConfigServers(
  config: McpConfig,
  options: Pick<ParseMcpConfigOptions, 'source'> = {},
): McpServerEntry[] {
  const recorded = recordedConfigSource(config);
  const source = options.source ?? recorded ?? IN_CODE_CONFIG_SOURCE;
  if (recorded === undefined) {
    // Never validated: check it as a file would be, so that a bad entry fails here, named.
    const issues = unparsedServersIssues(config.mcpServers);
    if (issues.length > 0) throw configError(source, issues);
  }
  const file = recordedConfigFile(config);
  const entries: McpServerEntry[] = [];
  for (const [name, entry] of Object.entries(config.mcpServers)) {
    if (entry.disabled === true) continue;
    const server = entry as McpServerConfig;
    const target = isStdioServer(server)
      ? stdioTarget(name, server)
      : httpTarget(name, server as RemoteServerConfig, file);
    entries.push({ name, target, options: serverOptions(server) });
  }
  if (entries.length === 0) {
    const none = Object.keys(config.mcpServers).length === 0;
    const message = none ? 'no servers defined' : 'no enabled servers';
    throw configError(source, [{ path: ['mcpServers'], message }]);
  }
  return entries;
}
