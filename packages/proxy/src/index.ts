/**
 * @packageDocumentation
 * MCP proxies: mirror, compose and bridge MCP servers behind one endpoint. `createProxy` and
 * `ProxyServer` front backends; `ProxyProvider` and the proxy components do the work; the
 * serve functions and `ProxyClient` come along, so installing `@org/proxy` alone is enough.
 * Everything exported here is public API of `@org/proxy`.
 *
 * ## Re-exported from third-party packages
 *
 * So that a program needs no other install, `@org/proxy` also re-exports, unchanged (their
 * own documentation applies; this reference does not repeat it):
 *
 * - `z`: [Zod 4](https://zod.dev), the schema library of `defineTool`, `defineResourceTemplate`
 *   and `definePrompt`: `import { defineTool, z } from '@org/proxy'`.
 * - `Client`, `ClientOptions`, `StreamableHTTPClientTransport`,
 *   `StreamableHTTPClientTransportOptions`, `RequestOptions`: the client of the
 *   [MCP TypeScript SDK](https://github.com/modelcontextprotocol/typescript-sdk), to drive a
 *   proxy (or any MCP server). {@link createClientTransport} connects one to a URL, a command
 *   or an in-process server.
 * - `mcp`: the SDK's `types.js` as a namespace, every MCP wire type and schema:
 *   `mcp.CallToolResult`, `mcp.CreateMessageRequestSchema` (for `client.setRequestHandler`),
 *   `mcp.McpError`, and so on.
 *
 * @example
 * ```ts
 * import { Client, createClientTransport, defineTool, mcp, ProviderServer, z } from '@org/proxy';
 *
 * const server = new ProviderServer({ name: 'demo' });
 * server.add(defineTool({ name: 'add', input: z.object({ a: z.number(), b: z.number() }), handler: ({ a, b }) => String(a + b) }));
 * const client = new Client({ name: 'demo-client', version: '1.0.0' });
 * await client.connect(await createClientTransport(server)); // in process, no port
 * const result = (await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })) as mcp.CallToolResult;
 * ```
 */

// Third-party, re-exported unchanged so that a program needs no other install (see the package
// comment above, which lists them: typedoc leaves external symbols out, see typedoc.json).
/** The MCP SDK client's options. */
export type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
/** The MCP SDK client, to drive a proxy: `new Client(info, options)`, then `connect(transport)`. */
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
/** The options of the MCP SDK's streamable HTTP client transport. */
export type { StreamableHTTPClientTransportOptions } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
/** The MCP SDK's streamable HTTP client transport (or use {@link createClientTransport}). */
export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
/** The options of one request of an MCP SDK client: timeout, signal, progress callback. */
export type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
/** Every MCP wire type and schema of the SDK (`mcp.CallToolResult`, `mcp.McpError`, ...). */
export * as mcp from '@modelcontextprotocol/sdk/types.js';
// What the proxy reports on `proxy.observer` (metrics, logs, audit and dashboards listen there).
export type {
  AddProviderOptions,
  BackendRequestEvent,
  BackendSessionEvent,
  CacheEvent,
  FilterOptions,
  ForwardedRequestEvent,
  ObservedEventName,
  ObservedEvents,
  ObserverListener,
  Outcome,
  PolicyEvent,
  Principal,
  PromptDefinition,
  Provider,
  ProviderErrorStrategy,
  ProviderEvent,
  ProviderServerOptions,
  ProviderTransform,
  ReloadEvent,
  RequestEvent,
  ResourceDefinition,
  ResourceTemplateDefinition,
  SessionEvent,
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
  Observer,
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
  BackendSessionState,
  ElicitationHandler,
  ForwardingHandlers,
  ForwardingTarget,
  LogHandler,
  ProgressHandler,
  ProxyClientOptions,
  ReconnectOptions,
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
  ClientTransportOptions,
  ConnectableServer,
  EventStore,
  EventStoreUsage,
  HttpServeOptions,
  HttpServerHandle,
  HttpTarget,
  InMemoryConnection,
  InMemoryEventStoreOptions,
  InProcessTarget,
  Logger,
  LoginOptions,
  LoginResult,
  McpConfig,
  OAuthBackendOptions,
  OAuthGrantEntry,
  OAuthGrantKey,
  OAuthGrantRecord,
  OAuthRefusal,
  OAuthTokenStore,
  StdioServeOptions,
  StdioServerHandle,
  StdioTarget,
  StoredEvent,
  TokenExchangeOptions,
} from '@org/transports';
// What a proxy author needs from @org/transports.
export {
  ChildLimit,
  createClientTransport,
  createConnector,
  createConsoleLogger,
  DEFAULT_INHERITED_ENV,
  DEFAULT_MAX_CHILDREN,
  DEFAULT_MAX_SESSIONS,
  FileTokenStore,
  InMemoryEventStore,
  loadMcpConfig,
  loginBackend,
  MemoryTokenStore,
  noopLogger,
  OAuthFront,
  ProxyError,
  ProxyErrorCode,
  parseMcpConfig,
  serveHttp,
  serveInMemory,
  serveStdio,
} from '@org/transports';
/** Zod 4, the schema library of {@link defineTool} and friends. */
export { z } from 'zod';
// The proxy itself.
export type { ClientFactory } from './components/clientFactory';
export { SPAN_PROVIDER_TYPE } from './components/clientFactory';
export { ProxyPrompt } from './components/proxyPrompt';
export { exposeContents, ProxyResource } from './components/proxyResource';
export { ProxyTemplate } from './components/proxyTemplate';
export { ProxyTool } from './components/proxyTool';
export type { CreateProxyOptions, ProxyTarget } from './createProxy';
export { createProxy } from './createProxy';
export { boundedNamespace } from './naming/boundedNamespace';
export {
  composedName,
  MAX_TOOL_NAME_LENGTH,
  namespaceFor,
  TOOL_NAME_PATTERN,
} from './naming/toolNames';
export type { BackendSignInOptions } from './oauth/backendSignIn';
export { BackendSignIn, SIGN_IN_PATH } from './oauth/backendSignIn';
export type { AuditLog, AuditLogOptions, AuditRecord } from './ops/auditLog';
export { auditRecord, startAuditLog } from './ops/auditLog';
export type { DashboardGate } from './ops/dashboard/dashboardAuth';
export { DASHBOARD_COOKIE, OAuthGate, StaticTokenGate } from './ops/dashboard/dashboardAuth';
export type { Dashboard, DashboardOptions } from './ops/dashboard/dashboardRoutes';
export {
  createDashboard,
  DEFAULT_DASHBOARD_PATH,
  dashboardUrl,
} from './ops/dashboard/dashboardRoutes';
export type {
  DashboardBackend,
  DashboardBackendState,
  DashboardCall,
  DashboardSession,
  DashboardSnapshot,
  DashboardSource,
  DashboardStateOptions,
  DashboardUpdate,
} from './ops/dashboard/dashboardState';
export { DASHBOARD_STATE_DEFAULTS, DashboardState } from './ops/dashboard/dashboardState';
export type { JsonLoggerOptions } from './ops/jsonLogger';
export { createJsonLogger } from './ops/jsonLogger';
export { KNOWN_LIST_KINDS, KNOWN_METHODS } from './ops/metricLabels';
export type { OpsEndpoints, OpsEndpointsOptions } from './ops/opsEndpoints';
export { startOpsEndpoints } from './ops/opsEndpoints';
export type { OpsListener, OpsListenerOptions } from './ops/opsListener';
export { startOpsListener } from './ops/opsListener';
export { healthzRoute, metricsRoute, readyzRoute } from './ops/opsRoutes';
export type { ProxyMetricsOptions } from './ops/proxyMetrics';
export { DEFAULT_LATENCY_BUCKETS, ProxyMetrics } from './ops/proxyMetrics';
export type {
  BackendReadiness,
  ReadinessOptions,
  ReadinessReport,
  ReadinessState,
} from './ops/readiness';
export { Readiness } from './ops/readiness';
export {
  configSecrets,
  MIN_SECRET_LENGTH,
  REDACTED,
  Redactor,
  redactingLogger,
  redactorOf,
} from './ops/redact';
export type { RequestLogFields } from './ops/requestLog';
export { requestLogFields, startRequestLog, WORK_METHODS } from './ops/requestLog';
export type { PolicyComponentKind } from './policy/accessPolicy';
export { AccessPolicy, Grants } from './policy/accessPolicy';
export type { PinnedDefinition } from './policy/pinFile';
export type { PolicyEngineOptions } from './policy/policyEngine';
export { PolicyEngine, RATE_LIMITED } from './policy/policyEngine';
export { parsePolicy, policySchema } from './policy/policySchema';
export type {
  AccessPolicyConfig,
  AccessRuleConfig,
  PinAction,
  PinningConfig,
  PrincipalMatch,
  RateLimitConfig,
} from './policy/policyTypes';
export type { RateLimitRefusal } from './policy/rateLimiter';
export { RateLimiter } from './policy/rateLimiter';
export type { ToolPinsOptions } from './policy/toolPins';
export { definitionDigest, pinnedDefinition, ToolPins } from './policy/toolPins';
export type { BackendHealth, BackendHealthOptions, BackendState } from './provider/backendHealth';
export type {
  CachedList,
  CacheScope,
  ListCacheEntry,
  ListCacheOptions,
  ListCacheStore,
  ListFetcher,
  MaybePromise,
} from './provider/listCache';
export { CACHE_SCOPES, InMemoryListCacheStore, ListCache } from './provider/listCache';
export type { GroupMember } from './provider/proxyGroupProvider';
export { ProxyGroupProvider } from './provider/proxyGroupProvider';
export type { ProxyCacheOptions, ProxyProviderOptions } from './provider/proxyProvider';
export { ProxyProvider } from './provider/proxyProvider';
export type { ConfigPlannerOptions, ServerConnection } from './server/configPlanner';
export { ConfigPlanner } from './server/configPlanner';
export type { ProxyBackend, ProxyServerOptions } from './server/proxyServer';
export { ProxyServer } from './server/proxyServer';
export type {
  BackendChanges,
  BackendPlan,
  BackendPlanner,
  ReloadReport,
} from './server/reloadTypes';
export type { SessionStrategy, StrategyFactory } from './server/sessionStrategy';
export { SESSION_STRATEGIES, strategyFactory } from './server/sessionStrategy';
