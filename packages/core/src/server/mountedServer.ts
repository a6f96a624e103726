import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Prompt } from '../components/prompt';
import type { Resource } from '../components/resource';
import type { ResourceTemplate } from '../components/resourceTemplate';
import type { Tool } from '../components/tool';
import type { AggregateProvider } from '../providers/aggregateProvider';
import type { Provider, ProviderListener } from '../providers/provider';

/**
 * A mounted server as the server mounting it sees it: lists, lookups, events, ping and the log
 * level pass through to the mounted server's providers; its capabilities are the ones it
 * announces itself (its declared kinds included); and `start`/`stop` are absent, because the
 * mounted server's lifecycle stays with whoever made it (it may serve its own clients too).
 * @internal
 */
export class MountedServer implements Provider {
  /** The mounted server's name. */
  readonly name: string;
  readonly #providers: AggregateProvider;
  readonly #capabilities: () => Promise<ServerCapabilities>;
  readonly #instructions: () => Promise<string | undefined>;

  /**
   * @param providers - the mounted server's providers
   * @param capabilities - what the mounted server announces for its components
   * @param instructions - the mounted server's instructions
   */
  constructor(
    providers: AggregateProvider,
    capabilities: () => Promise<ServerCapabilities>,
    instructions: () => Promise<string | undefined> = () => providers.instructions(),
  ) {
    this.name = providers.name;
    this.#providers = providers;
    this.#capabilities = capabilities;
    this.#instructions = instructions;
  }

  /** The mounted server's instructions. */
  instructions(): Promise<string | undefined> {
    return this.#instructions();
  }

  /** The mounted server's tools. */
  listTools(): Promise<Tool[]> {
    return this.#providers.listTools();
  }

  /** The mounted server's tool named `name`. */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#providers.getTool(name);
  }

  /** The mounted server's resources. */
  listResources(): Promise<Resource[]> {
    return this.#providers.listResources();
  }

  /** The mounted server's resource at `uri`. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#providers.getResource(uri);
  }

  /** The mounted server's templates. */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#providers.listResourceTemplates();
  }

  /** The mounted server's first template matching `uri`. */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return this.#providers.getResourceTemplate(uri);
  }

  /** The mounted server's template whose URI template is `uriTemplate`. */
  findResourceTemplate(uriTemplate: string): Promise<ResourceTemplate | undefined> {
    return this.#providers.findResourceTemplate(uriTemplate);
  }

  /** The mounted server's prompts. */
  listPrompts(): Promise<Prompt[]> {
    return this.#providers.listPrompts();
  }

  /** The mounted server's prompt named `name`. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#providers.getPrompt(name);
  }

  /** What the mounted server announces for its components. */
  capabilities(): Promise<ServerCapabilities> {
    return this.#capabilities();
  }

  /** Listens to the mounted server's providers. */
  subscribe(listener: ProviderListener): () => void {
    return this.#providers.subscribe(listener);
  }

  /** Passes the log level to the mounted server's providers. */
  setLogLevel(level: LoggingLevel): Promise<void> {
    return this.#providers.setLogLevel(level);
  }

  /** Passes a ping to the mounted server's providers. */
  ping(): Promise<void> {
    return this.#providers.ping();
  }

  /** Passes a client session's roots change to the mounted server's providers. */
  rootsChanged(): Promise<void> {
    return this.#providers.rootsChanged();
  }
}
