/**
 * @packageDocumentation
 * `ProxyClient`: an MCP client for a proxy's backend that forwards roots, sampling,
 * elicitation, log messages and progress to the client connected to the proxy, losslessly
 * and in the right request's context; `StatefulProxyClient`: one backend session per client
 * session. Everything exported here is public API of `@org/proxy-client`.
 */

export type { BackendEvent } from './backendConnection';
export type { BackendFailure } from './backendErrors';
export { toBackendError } from './backendErrors';
export { BackendOperations, MAX_LIST_PAGES } from './backendOperations';
export type { BackendSessionState } from './backendSessionState';
export { cachePartitionKey } from './cachePartition';
export type {
  ElicitationHandler,
  ForwardingHandlers,
  ForwardingTarget,
  LogHandler,
  ProgressHandler,
  RootsHandler,
  SamplingHandler,
} from './forwardingHandlers';
export {
  defaultForwardingHandlers,
  defaultProxyElicitationHandler,
  defaultProxyLogHandler,
  defaultProxyProgressHandler,
  defaultProxyRootsHandler,
  defaultProxySamplingHandler,
} from './forwardingHandlers';
export { mirrorCapabilities, routableCapabilities } from './mirrorCapabilities';
export type { BackendEventListener, ProxyClientOptions } from './proxyClient';
export { ProxyClient } from './proxyClient';
export type { ReconnectOptions } from './proxyClientOptions';
export { forwardableMeta } from './requestMeta';
export { StatefulProxyClient } from './statefulProxyClient';
