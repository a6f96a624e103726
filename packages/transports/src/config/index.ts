/**
 * The `mcpServers` config used by Claude Desktop, Cursor and VS Code: parsing, validation,
 * `${VAR}` expansion, and turning entries into connector targets.
 */

export { checkConfigCommands } from './configCommands';
export {
  type ConfigIssue,
  type ConfigPath,
  configError,
  formatConfigPath,
  prefixIssues,
} from './configError';
export { recordedConfigSource as configSourceOf } from './configSource';
export { loadMcpConfig } from './loadMcpConfig';
export { issueMessage as configIssueMessage, mcpConfigSchema } from './mcpConfigSchema';
export { mcpConfigServers } from './mcpConfigServers';
export { parseMcpConfig } from './parseMcpConfig';
export type {
  DisabledServerConfig,
  McpConfig,
  McpServerConfig,
  McpServerEntry,
  McpServerOptions,
  OAuthConfig,
  ParseMcpConfigOptions,
  RemoteServerConfig,
  ServerConfigBase,
  StdioServerConfig,
  TokenExchangeConfig,
  ToolOverrideConfig,
} from './types';
