/**
 * Serving MCP clients: streamable HTTP and legacy SSE ({@link serveHttp}), stdio
 * ({@link serveStdio}) and in-memory ({@link serveInMemory}).
 */
export { DEFAULT_MAX_SESSIONS } from './httpOptions';
export { serveHttp } from './serveHttp';
export { serveInMemory } from './serveInMemory';
export { serveStdio } from './serveStdio';
export type {
  HttpServeOptions,
  HttpServerHandle,
  InMemoryConnection,
  ServeTarget,
  SessionInfo,
  StdioServeOptions,
  StdioServerHandle,
} from './types';
