import type { LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import {
  type Component,
  EventHub,
  mergeCapabilities,
  type Prompt,
  type Provider,
  type ProviderListener,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@org/core';
import { type Logger, noopLogger, ProxyError, ProxyErrorCode } from '@org/transports';

/** One backend of a {@link ProxyGroupProvider}: its server name and its (namespaced) provider. */
export interface GroupMember {
  /** The server's name in the config. */
  name: string;
  /** Its components, already namespaced. */
  provider: Provider;
  /** The namespace its tool and prompt names start with. */
  namespace: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function innerName(component: Component): string {
  const named = component as {
    backendName?: string;
    backendUri?: string;
    backendUriTemplate?: string;
  };
  return named.backendName ?? named.backendUri ?? named.backendUriTemplate ?? component.key;
}

/**
 * The backends of a multi-server config as one provider. A backend that fails is skipped with
 * a warning naming it, and the others keep working; when every backend fails, the error names
 * them all. Two backends exposing the same name is an error naming both, never a silent shadow.
 */
export class ProxyGroupProvider implements Provider {
  /** A name for messages. */
  readonly name = 'servers';
  /** The backends, in config order. */
  readonly members: readonly GroupMember[];
  readonly #logger: Logger;
  readonly #events = new EventHub();

  /**
   * @param members - the backends, in config order
   * @param logger - where skipped backends are reported
   */
  constructor(members: GroupMember[], logger: Logger = noopLogger) {
    this.members = members;
    this.#logger = logger;
    for (const member of members) member.provider.subscribe?.((event) => this.#events.emit(event));
  }

  async #gather<T>(
    what: string,
    run: (provider: Provider) => Promise<T>,
  ): Promise<Array<{ member: GroupMember; value: T }>> {
    const settled = await Promise.allSettled(this.members.map((member) => run(member.provider)));
    const ok: Array<{ member: GroupMember; value: T }> = [];
    const failed: string[] = [];
    settled.forEach((outcome, index) => {
      const member = this.members[index]!;
      if (outcome.status === 'fulfilled') ok.push({ member, value: outcome.value });
      else {
        failed.push(`${member.name}: ${messageOf(outcome.reason)}`);
        this.#logger.warn(
          `Skipping MCP server ${member.name}: cannot ${what}: ${messageOf(outcome.reason)}`,
        );
      }
    });
    if (ok.length === 0 && failed.length > 0) {
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `All MCP servers failed to ${what}: ${failed.join('; ')}`,
      );
    }
    return ok;
  }

  async #list<T extends Component>(
    kind: string,
    list: (p: Provider) => Promise<readonly T[]>,
  ): Promise<T[]> {
    const lists = await this.#gather(`list ${kind}s`, list);
    const owners = new Map<string, { server: string; inner: string }>();
    const merged: T[] = [];
    for (const { member, value } of lists) {
      for (const item of value) {
        const owner = owners.get(item.key);
        if (owner) {
          throw new ProxyError(
            ProxyErrorCode.NameCollision,
            `Two servers expose ${kind} ${item.key}: ${owner.server} (${owner.inner}) and ${member.name} (${innerName(item)})`,
          );
        }
        owners.set(item.key, { server: member.name, inner: innerName(item) });
        merged.push(item);
      }
    }
    return merged;
  }

  async #find<T extends Component>(
    lookup: (p: Provider) => Promise<T | undefined>,
    fallback?: { list: (p: Provider) => Promise<readonly T[]>; key: string },
  ): Promise<T | undefined> {
    let failure: unknown;
    for (const member of this.members) {
      try {
        const found = await lookup(member.provider);
        if (found) return found;
      } catch (error) {
        this.#logger.warn(`MCP server ${member.name} failed a lookup: ${messageOf(error)}`);
        failure ??= error;
      }
    }
    // A name that was cleaned or shortened cannot be reversed before it was listed once: list
    // the one backend whose namespace it starts with.
    if (fallback) {
      for (const member of this.members) {
        if (!fallback.key.startsWith(`${member.namespace.slice(0, 40)}`)) continue;
        const items = await fallback.list(member.provider).catch(() => [] as readonly T[]);
        const found = items.find((item) => item.key === fallback.key);
        if (found) return found;
      }
    }
    if (failure) throw failure;
    return undefined;
  }

  /** Every backend's tools. */
  listTools(): Promise<Tool[]> {
    return this.#list('tool', (p) => p.listTools());
  }

  /** The tool exposed as `name` (names that were shortened are found through the list). */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#find((p) => p.getTool(name), { list: (p) => p.listTools(), key: name });
  }

  /** Every backend's resources. */
  listResources(): Promise<Resource[]> {
    return this.#list('resource', (p) => p.listResources());
  }

  /** The resource exposed at `uri`. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#find((p) => p.getResource(uri));
  }

  /** Every backend's resource templates. */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#list('resource template', (p) => p.listResourceTemplates());
  }

  /** The first exposed template matching `uri`. */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return this.#find((p) => p.getResourceTemplate(uri));
  }

  /** Every backend's prompts. */
  listPrompts(): Promise<Prompt[]> {
    return this.#list('prompt', (p) => p.listPrompts());
  }

  /** The prompt exposed as `name`. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#find((p) => p.getPrompt(name), { list: (p) => p.listPrompts(), key: name });
  }

  /** The union of what the working backends offer; an error naming every backend when none works. */
  async capabilities(): Promise<ServerCapabilities> {
    const all = await this.#gather('start', async (p) => (p.capabilities ? p.capabilities() : {}));
    return all.map((entry) => entry.value).reduce(mergeCapabilities, {});
  }

  /** Passes the log level to every backend. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.provider.setLogLevel?.(level)));
  }

  /** Pings every backend; fails only when none answers. */
  async ping(): Promise<void> {
    await this.#gather('answer ping', async (p) => p.ping?.());
  }

  /** Listens to every backend's events. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }
}
