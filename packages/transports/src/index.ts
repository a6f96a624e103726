/**
 * @packageDocumentation
 * Wire plumbing for MCP proxies: reach backends and serve clients over stdio, streamable HTTP,
 * SSE and in-memory; the `mcpServers` config. Everything exported here is public API; each
 * sub-barrel lists its own part.
 */

export * from './client/index';
export * from './config/index';
export type { ProxyErrorOptions } from './errors';
export { errorMessage, ProxyError, ProxyErrorCode, toProxyError } from './errors';
export type { Logger, LogLevelName } from './logger';
export { createConsoleLogger, noopLogger } from './logger';
export * from './server/index';
