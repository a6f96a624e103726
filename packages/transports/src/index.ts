/**
 * @packageDocumentation
 * Wire plumbing for MCP proxies: reach backends and serve clients over stdio, streamable HTTP,
 * SSE and in-memory; the `mcpServers` config. Everything exported here is public API.
 */

export type {
  BackendConnector,
  BackendTarget,
  ChildExitInfo,
  ChildProcessTransportOptions,
  ClientTransportOptions,
  CommandProblem,
  ConnectableServer,
  ConnectOptions,
  ConnectorKind,
  ConnectorOptions,
  HttpTarget,
  HttpTransportKind,
  InProcessTarget,
  RelatedRequestSource,
  RequestHeaders,
  ResolvedTarget,
  StderrMode,
  StdioTarget,
} from './client/index';
export {
  buildChildEnvironment,
  ChildProcessTransport,
  commandProblem,
  createClientTransport,
  createConnector,
  DEFAULT_INHERITED_ENV,
  inferTransportKind,
  isConnectableServer,
  isHttpTarget,
  isInProcessTarget,
  isRelatedRequestSource,
  isStdioTarget,
  redactUrl,
  resolveTarget,
} from './client/index';
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
} from './config/index';
export {
  checkConfigCommands,
  loadMcpConfig,
  mcpConfigSchema,
  mcpConfigServers,
  parseMcpConfig,
} from './config/index';
export type { ProxyErrorOptions } from './errors';
export { ProxyError, ProxyErrorCode, toProxyError } from './errors';
export type { Logger, LogLevelName } from './logger';
export { createConsoleLogger, noopLogger } from './logger';
export { serveHttp, serveInMemory, serveStdio } from './server/index';
export type {
  HttpServeOptions,
  HttpServerHandle,
  InMemoryConnection,
  ServeTarget,
  SessionInfo,
  StdioServeOptions,
  StdioServerHandle,
} from './server/types';
