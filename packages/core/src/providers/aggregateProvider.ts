import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, type Logger, noopLogger, ProxyError, ProxyErrorCode } from '@org/transports';
import type { Component } from '../components/component';
import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';
import { mergeCapabilities } from './capabilities';
import { EventHub } from './eventHub';
import { type Provider, type ProviderListener, templateByUriTemplate } from './provider';

/**
 * What a server does when a provider fails: `warn` logs it and treats the provider as empty
 * (the others keep working), `raise` passes the error to the client.
 */
export type ProviderErrorStrategy = 'warn' | 'raise';

/** Options of {@link AggregateProvider}. */
export interface AggregateProviderOptions {
  /** A name for messages and logs. @default 'aggregate' */
  name?: string;
  /** @default 'warn' */
  onProviderError?: ProviderErrorStrategy;
  /** Where failures are reported. @default noopLogger */
  logger?: Logger;
}

/** Capabilities a provider is assumed to have when asking it failed under the `warn` strategy. */
const FALLBACK_CAPABILITIES: ServerCapabilities = {
  tools: { listChanged: true },
  resources: { listChanged: true },
  prompts: { listChanged: true },
};

/**
 * Serves several providers as one, in order: where two have a component with the same name
 * or URI, the first wins (so a local component overrides a proxied one). Failures follow the
 * {@link ProviderErrorStrategy}.
 */
export class AggregateProvider implements Provider {
  /** A name for messages and logs. */
  readonly name: string;
  readonly #providers: Provider[] = [];
  readonly #unsubscribe = new Map<Provider, () => void>();
  readonly #events = new EventHub();
  readonly #strategy: ProviderErrorStrategy;
  readonly #logger: Logger;

  /** @param options - name, error strategy and logger */
  constructor(options: AggregateProviderOptions = {}) {
    this.name = options.name ?? 'aggregate';
    this.#strategy = options.onProviderError ?? 'warn';
    this.#logger = options.logger ?? noopLogger;
  }

  /** The providers, in order. */
  get providers(): readonly Provider[] {
    return this.#providers;
  }

  /** Adds a provider after the others and relays its events. */
  add(provider: Provider): void {
    this.#providers.push(provider);
    const off = provider.subscribe?.((event) => this.#events.emit(event));
    if (off) this.#unsubscribe.set(provider, off);
  }

  /** Removes a provider. Returns whether it was there. */
  remove(provider: Provider): boolean {
    const index = this.#providers.indexOf(provider);
    if (index === -1) return false;
    this.#providers.splice(index, 1);
    this.#unsubscribe.get(provider)?.();
    this.#unsubscribe.delete(provider);
    return true;
  }

  #fail(provider: Provider, what: string, error: unknown): void {
    if (this.#strategy === 'raise') throw error;
    this.#logger.warn(`Provider ${provider.name} failed to ${what}: ${errorMessage(error)}`);
  }

  async #list<T extends Component>(
    what: string,
    list: (p: Provider) => Promise<readonly T[]>,
  ): Promise<T[]> {
    const results = await Promise.all(
      this.#providers.map(async (provider) => {
        try {
          return await list(provider);
        } catch (error) {
          this.#fail(provider, what, error);
          return [] as readonly T[];
        }
      }),
    );
    const seen = new Set<string>();
    const merged: T[] = [];
    for (const items of results) {
      for (const item of items) {
        if (seen.has(item.key)) continue;
        seen.add(item.key);
        merged.push(item);
      }
    }
    return merged;
  }

  /**
   * The first provider's answer: the first listed component, else the first unlisted one (a
   * proxy passing an unknown name on yields to any provider that lists the name). Under `warn`
   * a failing provider is logged and skipped, as if it were empty: an unknown name then stays
   * "unknown" (and keeps its error code, such as -32002 for a resource), and no provider's
   * failure text reaches the client.
   */
  async #get<T extends Component>(
    what: string,
    get: (p: Provider) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    let unlisted: T | undefined;
    for (const provider of this.#providers) {
      try {
        const found = await get(provider);
        if (found !== undefined && !found.unlisted) return found;
        unlisted ??= found;
      } catch (error) {
        if (error instanceof ProxyError && error.code === ProxyErrorCode.NotFound) continue;
        this.#fail(provider, what, error);
      }
    }
    return unlisted;
  }

  /** Every tool, first provider winning on a name. */
  listTools(): Promise<Tool[]> {
    return this.#list('list tools', (p) => p.listTools());
  }

  /** The tool named `name` from the first provider that has it. */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#get(`find tool ${name}`, (p) => p.getTool(name));
  }

  /** Every resource, first provider winning on a URI. */
  listResources(): Promise<Resource[]> {
    return this.#list('list resources', (p) => p.listResources());
  }

  /** The resource at `uri` from the first provider that has it. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#get(`find resource ${uri}`, (p) => p.getResource(uri));
  }

  /** Every template, first provider winning on a URI template. */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#list('list resource templates', (p) => p.listResourceTemplates());
  }

  /** The first template matching `uri`, providers in order. */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return this.#get(`find a resource template for ${uri}`, (p) => p.getResourceTemplate(uri));
  }

  /** The template whose URI template is `uriTemplate`, from the first provider that has it. */
  findResourceTemplate(uriTemplate: string): Promise<ResourceTemplate | undefined> {
    return this.#get(`find resource template ${uriTemplate}`, (p) =>
      templateByUriTemplate(p, uriTemplate),
    );
  }

  /** Every prompt, first provider winning on a name. */
  listPrompts(): Promise<Prompt[]> {
    return this.#list('list prompts', (p) => p.listPrompts());
  }

  /** The prompt named `name` from the first provider that has it. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#get(`find prompt ${name}`, (p) => p.getPrompt(name));
  }

  /** The union of what the providers serve. */
  async capabilities(): Promise<ServerCapabilities> {
    const all = await Promise.all(
      this.#providers.map(async (provider) => {
        try {
          return await capabilitiesOf(provider);
        } catch (error) {
          this.#fail(provider, 'describe its capabilities', error);
          return FALLBACK_CAPABILITIES;
        }
      }),
    );
    return all.reduce(mergeCapabilities, {});
  }

  /**
   * The providers' instructions, in order, separated by blank lines; `undefined` when none has
   * any. A provider failing to give them is skipped (logged under `warn`).
   */
  async instructions(): Promise<string | undefined> {
    const all = await Promise.all(
      this.#providers.map(async (provider) => {
        try {
          return await provider.instructions?.();
        } catch (error) {
          if (this.#strategy === 'warn') this.#fail(provider, 'give its instructions', error);
          return undefined;
        }
      }),
    );
    const texts = all.filter((text): text is string => typeof text === 'string' && text !== '');
    return texts.length > 0 ? texts.join('\n\n') : undefined;
  }

  /** Listens to the events of every provider. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Passes the client's log level to every provider that takes it. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await this.#each('set the log level', (p) => p.setLogLevel?.(level));
  }

  /** Passes a ping to every provider that takes it. */
  async ping(): Promise<void> {
    await this.#each('answer ping', (p) => p.ping?.());
  }

  /** Tells every provider that takes it that the current client session's roots changed. */
  async rootsChanged(): Promise<void> {
    await this.#each('pass on a roots change', (p) => p.rootsChanged?.());
  }

  /**
   * Starts every provider, in order. The first failure rejects, leaving the providers after it
   * unstarted; `stop()` then releases those that did start.
   */
  async start(): Promise<void> {
    for (const provider of this.#providers) await provider.start?.();
  }

  /** Stops every provider, in reverse order; every one is stopped even if another fails. */
  async stop(): Promise<void> {
    const errors: unknown[] = [];
    for (const provider of [...this.#providers].reverse()) {
      try {
        await provider.stop?.();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'Some providers failed to stop');
  }

  async #each(what: string, run: (p: Provider) => Promise<void> | undefined): Promise<void> {
    await Promise.all(
      this.#providers.map(async (provider) => {
        try {
          await run(provider);
        } catch (error) {
          this.#fail(provider, what, error);
        }
      }),
    );
  }
}

/** A provider's capabilities: its own answer, or what its lists show. */
export async function capabilitiesOf(provider: Provider): Promise<ServerCapabilities> {
  if (provider.capabilities) return provider.capabilities();
  const [tools, resources, templates, prompts] = await Promise.all([
    provider.listTools(),
    provider.listResources(),
    provider.listResourceTemplates(),
    provider.listPrompts(),
  ]);
  const capabilities: ServerCapabilities = {};
  const changes = provider.subscribe !== undefined;
  if (tools.length > 0) capabilities.tools = { listChanged: changes };
  if (resources.length > 0 || templates.length > 0)
    capabilities.resources = { listChanged: changes };
  if (prompts.length > 0) capabilities.prompts = { listChanged: changes };
  return capabilities;
}
