/**
 * @packageDocumentation
 * Wire plumbing for MCP proxies: reach backends and serve clients over stdio, streamable HTTP,
 * SSE and in-memory; the `mcpServers` config. Everything exported here is public API.
 */

export type {
  BackendConnector,
  BackendTarget,
  ConnectableServer,
  ConnectOptions,
  ConnectorKind,
  ConnectorOptions,
  HttpTarget,
  HttpTransportKind,
  InProcessTarget,
  StderrMode,
  StdioTarget,
} from './client/targets';
export { ProxyError, ProxyErrorCode, toProxyError } from './errors';
export type { ProxyErrorOptions } from './errors';
export { createConsoleLogger, noopLogger } from './logger';
export type { Logger, LogLevelName } from './logger';
export type {
  HttpServeOptions,
  HttpServerHandle,
  InMemoryConnection,
  ServeTarget,
  SessionInfo,
  StdioServeOptions,
  StdioServerHandle,
} from './server/types';
