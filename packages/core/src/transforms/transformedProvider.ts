import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';
import { capabilitiesOf } from '../providers/aggregateProvider';
import { EventHub } from '../providers/eventHub';
import { type Provider, type ProviderListener, templateByUriTemplate } from '../providers/provider';
import type { ProviderTransform } from './providerTransform';

function mapAll<T>(items: readonly T[], map: ((item: T) => T | undefined) | undefined): T[] {
  if (!map) return [...items];
  const out: T[] = [];
  for (const item of items) {
    const mapped = map(item);
    if (mapped !== undefined) out.push(mapped);
  }
  return out;
}

/**
 * A provider seen through a {@link ProviderTransform}: lists are mapped on the way out and
 * lookups mapped back, so a renamed or namespaced component is still found (and, for proxy
 * components, still called by its backend name).
 */
export class TransformedProvider implements Provider {
  /** A name for messages: the inner provider's and the transform's. */
  readonly name: string;
  /** The wrapped provider. */
  readonly inner: Provider;
  /** The transform applied. */
  readonly transform: ProviderTransform;
  readonly #events = new EventHub();
  #off: (() => void) | undefined;

  /**
   * @param inner - the provider to wrap
   * @param transform - how its components are exposed
   */
  constructor(inner: Provider, transform: ProviderTransform) {
    this.inner = inner;
    this.transform = transform;
    this.name = inner.name;
  }

  /** Every tool, mapped. */
  async listTools(): Promise<Tool[]> {
    return mapAll(await this.inner.listTools(), this.transform.tool?.bind(this.transform));
  }

  /** The tool exposed as `name`. */
  async getTool(name: string): Promise<Tool | undefined> {
    const key = this.transform.toolKey ? this.transform.toolKey(name) : name;
    if (key === undefined) return undefined;
    const found = await this.inner.getTool(key);
    const mapped = found && (this.transform.tool ? this.transform.tool(found) : found);
    return mapped?.name === name ? mapped : undefined;
  }

  /** Every resource, mapped. */
  async listResources(): Promise<Resource[]> {
    return mapAll(await this.inner.listResources(), this.transform.resource?.bind(this.transform));
  }

  /** The resource exposed at `uri`. */
  async getResource(uri: string): Promise<Resource | undefined> {
    const key = this.transform.resourceKey ? this.transform.resourceKey(uri) : uri;
    if (key === undefined) return undefined;
    const found = await this.inner.getResource(key);
    const mapped = found && (this.transform.resource ? this.transform.resource(found) : found);
    return mapped?.uri === uri ? mapped : undefined;
  }

  /** Every template, mapped. */
  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    return mapAll(
      await this.inner.listResourceTemplates(),
      this.transform.template?.bind(this.transform),
    );
  }

  /** The exposed template matching `uri`. */
  async getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    const key = this.transform.templateKey ? this.transform.templateKey(uri) : uri;
    if (key === undefined) return undefined;
    const found = await this.inner.getResourceTemplate(key);
    const mapped = found && (this.transform.template ? this.transform.template(found) : found);
    return mapped?.matches(uri) ? mapped : undefined;
  }

  /** The exposed template whose URI template is `uriTemplate`. */
  async findResourceTemplate(uriTemplate: string): Promise<ResourceTemplate | undefined> {
    const key = this.transform.templateKey ? this.transform.templateKey(uriTemplate) : uriTemplate;
    if (key === undefined) return undefined;
    const found = await templateByUriTemplate(this.inner, key);
    const mapped = found && (this.transform.template ? this.transform.template(found) : found);
    return mapped?.uriTemplate === uriTemplate ? mapped : undefined;
  }

  /** Every prompt, mapped. */
  async listPrompts(): Promise<Prompt[]> {
    return mapAll(await this.inner.listPrompts(), this.transform.prompt?.bind(this.transform));
  }

  /** The prompt exposed as `name`. */
  async getPrompt(name: string): Promise<Prompt | undefined> {
    const key = this.transform.promptKey ? this.transform.promptKey(name) : name;
    if (key === undefined) return undefined;
    const found = await this.inner.getPrompt(key);
    const mapped = found && (this.transform.prompt ? this.transform.prompt(found) : found);
    return mapped?.name === name ? mapped : undefined;
  }

  /** The inner provider's capabilities. */
  capabilities(): Promise<ServerCapabilities> {
    return capabilitiesOf(this.inner);
  }

  /** The inner provider's instructions. */
  async instructions(): Promise<string | undefined> {
    return this.inner.instructions?.();
  }

  /** Relays the inner provider's events, with resource URIs mapped. */
  subscribe(listener: ProviderListener): () => void {
    if (!this.#off && this.inner.subscribe) {
      this.#off = this.inner.subscribe((event) => {
        if (event.type !== 'resourceUpdated') return this.#events.emit(event);
        const uri = this.transform.uri ? this.transform.uri(event.uri) : event.uri;
        if (uri !== undefined) this.#events.emit({ ...event, uri });
      });
    }
    const off = this.#events.subscribe(listener);
    return () => {
      off();
      if (this.#events.size === 0) {
        this.#off?.();
        this.#off = undefined;
      }
    };
  }

  /** Passes the log level on. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await this.inner.setLogLevel?.(level);
  }

  /** Passes a ping on. */
  async ping(): Promise<void> {
    await this.inner.ping?.();
  }

  /** Passes a client session's roots change on. */
  async rootsChanged(): Promise<void> {
    await this.inner.rootsChanged?.();
  }

  /** Starts the inner provider. */
  async start(): Promise<void> {
    await this.inner.start?.();
  }

  /** Stops the inner provider. */
  async stop(): Promise<void> {
    await this.inner.stop?.();
  }
}

/** Wraps a provider in transforms, applied in order (the first is closest to the provider). */
export function transformProvider(
  provider: Provider,
  ...transforms: ProviderTransform[]
): Provider {
  return transforms.reduce<Provider>(
    (inner, transform) => new TransformedProvider(inner, transform),
    provider,
  );
}
