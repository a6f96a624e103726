/**
 * @packageDocumentation
 * Components (tools, resources, resource templates, prompts), providers and transforms, the
 * {@link ProviderServer} that serves them, and the per-request {@link Context}.
 * Everything exported here is public API of `@org/core`.
 */

export type { AnyComponent } from './components/anyComponent';
export type { Completer, CompletionRequest, CompletionResult } from './components/completion';
export { completionFromValues } from './components/completion';
export type { ComponentInit, ComponentKind, SpanAttributes } from './components/component';
export {
  Component,
  commonWireFields,
  metaWithTags,
  TAGS_META_KEY,
  tagsFromMeta,
} from './components/component';
export { PromptError, ResourceError, ToolError } from './components/errors';
export type { PromptDefinition, PromptReturn } from './components/localPrompt';
export { definePrompt, LocalPrompt } from './components/localPrompt';
export type { ResourceDefinition } from './components/localResource';
export { defineResource, LocalResource } from './components/localResource';
export type { ResourceTemplateDefinition } from './components/localResourceTemplate';
export { defineResourceTemplate, LocalResourceTemplate } from './components/localResourceTemplate';
export type { ToolDefinition, ToolReturn } from './components/localTool';
export { defineTool, LocalTool, toToolResult } from './components/localTool';
export type { PromptInit, PromptResult } from './components/prompt';
export { Prompt } from './components/prompt';
export type { ResourceInit, ResourceResult } from './components/resource';
export { Resource } from './components/resource';
export type { ResourceContentItem, ResourceReturn } from './components/resourceContents';
export { toResourceResult } from './components/resourceContents';
export type { ResourceTemplateInit } from './components/resourceTemplate';
export { ResourceTemplate } from './components/resourceTemplate';
export type { JsonSchemaObject, ToolInit, ToolResult } from './components/tool';
export { Tool } from './components/tool';
export type { UriTemplateParams } from './components/uriTemplate';
export { UriTemplate } from './components/uriTemplate';
export type { ContextRequestOptions, ServerRequestExtra } from './context/context';
export { Context, MAX_TIMER_MS, missingClientCapability } from './context/context';
export { FrontSession, LOG_LEVELS } from './context/frontSession';
export { currentContext, requireContext, runWithContext } from './context/storage';
export type {
  BackendRequestEvent,
  BackendSessionEvent,
  CacheEvent,
  ForwardedRequestEvent,
  ObservedEventName,
  ObservedEvents,
  Outcome,
  PolicyEvent,
  Principal,
  ReloadEvent,
  RequestEvent,
  SessionEvent,
} from './observe/observedEvents';
export type { ObserverListener } from './observe/observer';
export { Observer } from './observe/observer';
export type { TraceCarrier } from './observe/traceContext';
export { frontTraceContext, traceparentOf } from './observe/traceContext';
export type {
  AggregateProviderOptions,
  ProviderErrorStrategy,
} from './providers/aggregateProvider';
export { AggregateProvider, capabilitiesOf } from './providers/aggregateProvider';
export { mergeCapabilities } from './providers/capabilities';
export { EventHub } from './providers/eventHub';
export { LocalProvider } from './providers/localProvider';
export type { Provider, ProviderEvent, ProviderListener } from './providers/provider';
export { firstMatchingTemplate, templateByUriTemplate } from './providers/provider';
export type { DeclaredKinds } from './server/declaredKinds';
export type { Page } from './server/pagination';
export { paginate } from './server/pagination';
export type { AddProviderOptions, ProviderServerOptions } from './server/providerServer';
export { ProviderServer } from './server/providerServer';
export { sharedJsonSchemaValidator } from './server/sharedValidator';
export type { FrontRequest } from './telemetry';
export {
  activeTracer,
  recordingTraceparent,
  TRACER_NAME,
  withComponentSpan,
  withRequestSpan,
} from './telemetry';
export type { FilterOptions } from './transforms/filter';
export { filter } from './transforms/filter';
export {
  namespace,
  namespaceName,
  namespaceUri,
  unnamespaceName,
  unnamespaceUri,
} from './transforms/namespace';
export type { ProviderTransform } from './transforms/providerTransform';
export type { ToolOverride } from './transforms/toolOverrides';
export { toolOverrides } from './transforms/toolOverrides';
export { TransformedProvider, transformProvider } from './transforms/transformedProvider';
