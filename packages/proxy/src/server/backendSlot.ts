import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import {
  EventHub,
  type Prompt,
  type Provider,
  type ProviderListener,
  type Resource,
  type ResourceTemplate,
  type Tool,
  templateByUriTemplate,
} from '@org/core';
import { withListChanged } from '../provider/backendHealth';

/**
 * The place of a proxy's backends among its server's providers: one provider that serves
 * whatever stands behind it now (one backend's provider, or a group of several), so that a
 * reload can swap what is behind without moving the backends after providers added later.
 * Events of what is behind are passed on; a swap re-subscribes.
 *
 * With `announceListChanged`, every kind announced carries `listChanged`: a proxy whose
 * config can be reloaded may change any list, and clients only accept the notifications of
 * kinds announced with it.
 */
export class BackendSlot implements Provider {
  /** A name for messages. */
  readonly name = 'backends';
  readonly #events = new EventHub();
  readonly #announceListChanged: boolean;
  #current: Provider;
  #off: (() => void) | undefined;

  /**
   * @param current - what serves the backends' components now
   * @param announceListChanged - whether every announced kind gets `listChanged`
   */
  constructor(current: Provider, announceListChanged: boolean) {
    this.#current = current;
    this.#announceListChanged = announceListChanged;
    this.#off = current.subscribe?.((event) => this.#events.emit(event));
  }

  /** What serves the backends' components now. */
  get current(): Provider {
    return this.#current;
  }

  /** Puts `next` behind the slot; its events are passed on from now on, the old one's no more. */
  swap(next: Provider): void {
    if (next === this.#current) return;
    this.#off?.();
    this.#current = next;
    this.#off = next.subscribe?.((event) => this.#events.emit(event));
  }

  /** Tells the clients that every kind of list may have changed. */
  announceChanges(): void {
    for (const kind of ['tool', 'resource', 'prompt'] as const) {
      this.#events.emit({ type: 'listChanged', kind });
    }
  }

  /** The tools of what is behind. */
  listTools(): Promise<readonly Tool[]> {
    return this.#current.listTools();
  }

  /** The tool named `name`. */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#current.getTool(name);
  }

  /** The resources of what is behind. */
  listResources(): Promise<readonly Resource[]> {
    return this.#current.listResources();
  }

  /** The resource at `uri`. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#current.getResource(uri);
  }

  /** The resource templates of what is behind. */
  listResourceTemplates(): Promise<readonly ResourceTemplate[]> {
    return this.#current.listResourceTemplates();
  }

  /** The template matching `uri`. */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return this.#current.getResourceTemplate(uri);
  }

  /** The template whose URI template is `uriTemplate`. */
  findResourceTemplate(uriTemplate: string): Promise<ResourceTemplate | undefined> {
    return templateByUriTemplate(this.#current, uriTemplate);
  }

  /** The prompts of what is behind. */
  listPrompts(): Promise<readonly Prompt[]> {
    return this.#current.listPrompts();
  }

  /** The prompt named `name`. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#current.getPrompt(name);
  }

  /** What is behind announces (with `listChanged` on every kind when asked to). */
  async capabilities(): Promise<ServerCapabilities> {
    const offered = (await this.#current.capabilities?.()) ?? {};
    return this.#announceListChanged ? withListChanged(offered) : offered;
  }

  /** The instructions of what is behind. */
  async instructions(): Promise<string | undefined> {
    return this.#current.instructions?.();
  }

  /** Passes the log level on. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await this.#current.setLogLevel?.(level);
  }

  /** Pings what is behind. */
  async ping(): Promise<void> {
    await this.#current.ping?.();
  }

  /** Passes a client's roots change on. */
  async rootsChanged(): Promise<void> {
    await this.#current.rootsChanged?.();
  }

  /** Listens to list changes and resource updates, across swaps. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Starts what is behind. */
  async start(): Promise<void> {
    await this.#current.start?.();
  }

  /** Stops what is behind. */
  async stop(): Promise<void> {
    await this.#current.stop?.();
  }
}
