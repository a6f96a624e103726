/**
 * The `mcpServers` config used by Claude Desktop, Cursor and VS Code: parsing, validation,
 * `${VAR}` expansion, and turning entries into connector targets.
 */

export { checkConfigCommands } from './configCommands';
export { loadMcpConfig } from './loadMcpConfig';
export { mcpConfigSchema } from './mcpConfigSchema';
export { mcpConfigServers } from './mcpConfigServers';
export { parseMcpConfig } from './parseMcpConfig';
export type {
  DisabledServerConfig,
  McpConfig,
  McpServerConfig,
  McpServerEntry,
  McpServerOptions,
  ParseMcpConfigOptions,
  RemoteServerConfig,
  ServerConfigBase,
  StdioServerConfig,
  ToolOverrideConfig,
} from './types';
