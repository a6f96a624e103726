/**
 * @packageDocumentation
 * MCP proxies: mirror, compose and bridge MCP servers behind one endpoint. `createProxy` and
 * `ProxyServer` front backends; `ProxyProvider` and the proxy components do the work; the
 * serve functions and `ProxyClient` come along, so installing `@org/proxy` alone is enough.
 * Everything exported here is public API of `@org/proxy`.
 */

export type {
  AddProviderOptions,
  FilterOptions,
  PromptDefinition,
  Provider,
  ProviderErrorStrategy,
  ProviderEvent,
  ProviderServerOptions,
  ProviderTransform,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
  ToolOverride,
} from '@org/core';
// What a proxy author needs from @org/core.
export {
  Context,
  currentContext,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  FrontSession,
  filter,
  LocalProvider,
  namespace,
  Prompt,
  PromptError,
  ProviderServer,
  Resource,
  ResourceError,
  ResourceTemplate,
  requireContext,
  Tool,
  ToolError,
  toolOverrides,
  transformProvider,
  UriTemplate,
} from '@org/core';
export type {
  BackendEvent,
  ElicitationHandler,
  ForwardingHandlers,
  ForwardingTarget,
  LogHandler,
  ProgressHandler,
  ProxyClientOptions,
  RootsHandler,
  SamplingHandler,
} from '@org/proxy-client';
// What a proxy author needs from @org/proxy-client.
export {
  defaultProxyElicitationHandler,
  defaultProxyLogHandler,
  defaultProxyProgressHandler,
  defaultProxyRootsHandler,
  defaultProxySamplingHandler,
  ProxyClient,
  StatefulProxyClient,
} from '@org/proxy-client';
export type {
  BackendConnector,
  BackendTarget,
  HttpServeOptions,
  HttpServerHandle,
  HttpTarget,
  InMemoryConnection,
  Logger,
  McpConfig,
  StdioServeOptions,
  StdioServerHandle,
  StdioTarget,
} from '@org/transports';
// What a proxy author needs from @org/transports.
export {
  createConnector,
  createConsoleLogger,
  loadMcpConfig,
  noopLogger,
  ProxyError,
  ProxyErrorCode,
  parseMcpConfig,
  serveHttp,
  serveInMemory,
  serveStdio,
} from '@org/transports';
// The proxy itself.
export type { ClientFactory } from './components/clientFactory';
export { SPAN_PROVIDER_TYPE } from './components/clientFactory';
export { ProxyPrompt } from './components/proxyPrompt';
export { exposeContents, ProxyResource } from './components/proxyResource';
export { ProxyTemplate } from './components/proxyTemplate';
export { ProxyTool } from './components/proxyTool';
export { boundedNamespace } from './config/boundedNamespace';
export {
  composedName,
  MAX_TOOL_NAME_LENGTH,
  namespaceFor,
  TOOL_NAME_PATTERN,
} from './config/toolNames';
export type { CreateProxyOptions, ProxyTarget } from './createProxy';
export { createProxy } from './createProxy';
export type { ListCacheEntry, ListCacheStore, MaybePromise } from './provider/listCache';
export { InMemoryListCacheStore } from './provider/listCache';
export type { GroupMember } from './provider/proxyGroupProvider';
export { ProxyGroupProvider } from './provider/proxyGroupProvider';
export type { ProxyProviderOptions } from './provider/proxyProvider';
export { ProxyProvider } from './provider/proxyProvider';
export type { ProxyBackend, ProxyServerOptions } from './server/proxyServer';
export { ProxyServer } from './server/proxyServer';
export type { SessionStrategy, StrategyFactory } from './server/sessionStrategy';
export { SESSION_STRATEGIES, strategyFactory } from './server/sessionStrategy';
