import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { AnyComponent } from '../components/anyComponent';
import type { Component, ComponentKind } from '../components/component';
import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';
import { EventHub } from './eventHub';
import { firstMatchingTemplate, type Provider, type ProviderListener } from './provider';

/**
 * Holds components defined in this process. Adding or removing one tells every server
 * serving the provider, which sends `list_changed` to its clients.
 *
 * @example
 * ```ts
 * const local = new LocalProvider();
 * local.add(defineTool({ name: 'ping', handler: () => 'pong' }));
 * ```
 */
export class LocalProvider implements Provider {
  /** A name for messages and logs. */
  readonly name: string;
  readonly #tools = new Map<string, Tool>();
  readonly #resources = new Map<string, Resource>();
  readonly #templates = new Map<string, ResourceTemplate>();
  readonly #prompts = new Map<string, Prompt>();
  readonly #events = new EventHub();

  /** @param name - a name for messages and logs */
  constructor(name = 'local') {
    this.name = name;
  }

  #mapFor(kind: ComponentKind): Map<string, Component> {
    switch (kind) {
      case 'tool':
        return this.#tools;
      case 'resource':
        return this.#resources;
      case 'template':
        return this.#templates;
      case 'prompt':
        return this.#prompts;
    }
  }

  /** Adds components, replacing any with the same name or URI. */
  add(...components: AnyComponent[]): this {
    const kinds = new Set<ComponentKind>();
    for (const component of components) {
      this.#mapFor(component.kind).set(component.key, component);
      kinds.add(component.kind);
    }
    for (const kind of kinds) this.#events.emit({ type: 'listChanged', kind });
    return this;
  }

  /** Removes a component by kind and name (or URI, or URI template). Returns whether it existed. */
  remove(kind: ComponentKind, key: string): boolean {
    const removed = this.#mapFor(kind).delete(key);
    if (removed) this.#events.emit({ type: 'listChanged', kind });
    return removed;
  }

  /** Every tool. */
  async listTools(): Promise<readonly Tool[]> {
    return [...this.#tools.values()];
  }

  /** The tool named `name`. */
  async getTool(name: string): Promise<Tool | undefined> {
    return this.#tools.get(name);
  }

  /** Every resource. */
  async listResources(): Promise<readonly Resource[]> {
    return [...this.#resources.values()];
  }

  /** The resource at `uri`. */
  async getResource(uri: string): Promise<Resource | undefined> {
    return this.#resources.get(uri);
  }

  /** Every resource template. */
  async listResourceTemplates(): Promise<readonly ResourceTemplate[]> {
    return [...this.#templates.values()];
  }

  /** The first template matching `uri`. */
  async getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return firstMatchingTemplate([...this.#templates.values()], uri);
  }

  /** Every prompt. */
  async listPrompts(): Promise<readonly Prompt[]> {
    return [...this.#prompts.values()];
  }

  /** The prompt named `name`. */
  async getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#prompts.get(name);
  }

  /** The kinds this provider holds, each able to change (`listChanged`). */
  async capabilities(): Promise<ServerCapabilities> {
    const capabilities: ServerCapabilities = {};
    if (this.#tools.size > 0) capabilities.tools = { listChanged: true };
    if (this.#resources.size > 0 || this.#templates.size > 0)
      capabilities.resources = { listChanged: true, subscribe: true };
    if (this.#prompts.size > 0) capabilities.prompts = { listChanged: true };
    if (this.#templates.size > 0 || this.#prompts.size > 0) capabilities.completions = {};
    return capabilities;
  }

  /** Listens to additions and removals. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Tells listeners that a resource changed, so subscribed clients hear of it. */
  notifyResourceUpdated(uri: string): void {
    this.#events.emit({ type: 'resourceUpdated', uri });
  }
}
