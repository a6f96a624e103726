/**
 * Serving MCP clients: streamable HTTP and legacy SSE ({@link serveHttp}), stdio
 * ({@link serveStdio}) and in-memory ({@link serveInMemory}).
 */
export type {
  EventStore,
  EventStoreUsage,
  InMemoryEventStoreOptions,
  StoredEvent,
} from './eventStore';
export {
  DEFAULT_EVENT_STORE_MAX_BYTES,
  DEFAULT_EVENT_STORE_MAX_EVENTS,
  InMemoryEventStore,
} from './eventStore';
export {
  DEFAULT_CLIENT_GONE_GRACE_MS,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SSE_QUEUE_BYTES,
  DEFAULT_SSE_PRIME_AFTER_MS,
} from './httpOptions';
export type { IntrospectionOptions } from './introspection';
export type { OAuthFrontOptions, OAuthRefusal } from './oauthFront';
export { OAuthFront } from './oauthFront';
export { serveHttp } from './serveHttp';
export { serveInMemory } from './serveInMemory';
export { serveStdio } from './serveStdio';
export type {
  HttpRoute,
  HttpServeOptions,
  HttpServerHandle,
  InMemoryConnection,
  ServeTarget,
  SessionInfo,
  StdioServeOptions,
  StdioServerHandle,
} from './types';
