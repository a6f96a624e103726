import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ComponentKind } from '../components/component';
import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';
import type { FrontSession } from '../context/frontSession';

/** Something a provider reports to the servers serving it. */
export type ProviderEvent =
  | {
      /** The list of one kind of component changed. */
      type: 'listChanged';
      /** Which kind. */
      kind: ComponentKind;
      /** Only this session is concerned (a per-session backend told its own session), when set. */
      session?: FrontSession;
    }
  | {
      /** A resource changed. */
      type: 'resourceUpdated';
      /** Its URI, as the provider lists it. */
      uri: string;
      /** Only this session is concerned (a per-session backend), when set. */
      session?: FrontSession;
    };

/** A function receiving {@link ProviderEvent}s. */
export type ProviderListener = (event: ProviderEvent) => void;

/**
 * A source of components: it lists and looks up tools, resources, resource templates and
 * prompts. A server serves any number of providers, in order. Lookups and lists may run in
 * the context of a client request (`currentContext()`), which per-session providers use.
 */
export interface Provider {
  /** A name for messages and logs. */
  readonly name: string;
  /** Every tool. */
  listTools(): Promise<readonly Tool[]>;
  /** The tool named `name`, if this provider has it. */
  getTool(name: string): Promise<Tool | undefined>;
  /** Every static resource. */
  listResources(): Promise<readonly Resource[]>;
  /** The resource at `uri`, if this provider has it. */
  getResource(uri: string): Promise<Resource | undefined>;
  /** Every resource template. */
  listResourceTemplates(): Promise<readonly ResourceTemplate[]>;
  /** The first template that matches `uri`, if any. */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined>;
  /**
   * The template whose URI template is `uriTemplate` (what a completion's `ref/resource`
   * names), if this provider has it. Providers without it are searched through their list.
   */
  findResourceTemplate?(uriTemplate: string): Promise<ResourceTemplate | undefined>;
  /** Every prompt. */
  listPrompts(): Promise<readonly Prompt[]>;
  /** The prompt named `name`, if this provider has it. */
  getPrompt(name: string): Promise<Prompt | undefined>;
  /**
   * What this provider serves, asked when a client initializes (in that request's context).
   * Providers without it are described by what they list.
   */
  capabilities?(): Promise<ServerCapabilities>;
  /**
   * Instructions for the client's model about this provider's components (a proxied backend's
   * own `instructions`), asked when a client initializes (in that request's context).
   */
  instructions?(): Promise<string | undefined>;
  /** Listens to this provider's events; returns a function that stops listening. */
  subscribe?(listener: ProviderListener): () => void;
  /** Passes on the client's `logging/setLevel` (in that request's context). */
  setLogLevel?(level: LoggingLevel): Promise<void>;
  /** Passes on a client's `ping` (in that request's context). */
  ping?(): Promise<void>;
  /**
   * Passes on a client's `notifications/roots/list_changed`, in the context of the client
   * session that sent it: a `Context` made with `Context.forSession`, whose `session` says
   * whose roots changed (a notification is no request: what the context sends is related to no
   * request). A proxy tells the backend sessions serving that client session (see
   * `ProxyProvider.rootsChanged`). Failures are logged, never sent to the client.
   */
  rootsChanged?(): Promise<void>;
  /** Acquires what the provider needs before serving. */
  start?(): Promise<void>;
  /** Releases everything the provider holds. */
  stop?(): Promise<void>;
}

/**
 * The template of `provider` whose URI template is `uriTemplate`: its own answer, else the
 * first of its list.
 */
export async function templateByUriTemplate(
  provider: Provider,
  uriTemplate: string,
): Promise<ResourceTemplate | undefined> {
  if (provider.findResourceTemplate) return provider.findResourceTemplate(uriTemplate);
  return (await provider.listResourceTemplates()).find((t) => t.uriTemplate === uriTemplate);
}

/**
 * The first of `templates`, in order, that matches `uri` (see `ResourceTemplate.matches`), or
 * `undefined` when none does: how a provider answers `getResourceTemplate`.
 */
export function firstMatchingTemplate(
  templates: readonly ResourceTemplate[],
  uri: string,
): ResourceTemplate | undefined {
  return templates.find((template) => template.matches(uri) !== undefined);
}
