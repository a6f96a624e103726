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

/** A component found on one backend, for collision messages. */
interface Owned<T extends Component> {
  member: GroupMember;
  item: T;
}

/** The error for two backends exposing one name: it names both, and their own names for it. */
function collision(what: string, first: Owned<Component>, second: Owned<Component>): ProxyError {
  return new ProxyError(
    ProxyErrorCode.NameCollision,
    `Two servers expose ${what}: ${first.member.name} (${innerName(first.item)}) and ${second.member.name} (${innerName(second.item)})`,
  );
}

/**
 * The backends of a multi-server config as one provider. A backend that fails is skipped with
 * a warning naming it (one warning while it keeps failing), and the others keep working; when
 * every backend fails, the error names them all. Two backends exposing the same name is an
 * error naming both, never a silent shadow: when listing, and when a call, read or render names
 * it.
 */
export class ProxyGroupProvider implements Provider {
  /** A name for messages. */
  readonly name = 'servers';
  /** The backends, in config order. */
  readonly members: readonly GroupMember[];
  readonly #logger: Logger;
  readonly #events = new EventHub();
  /** The backends that failed and were reported, until they work again. */
  readonly #failing = new Set<GroupMember>();

  /**
   * @param members - the backends, in config order
   * @param logger - where skipped backends are reported
   */
  constructor(members: GroupMember[], logger: Logger = noopLogger) {
    this.members = members;
    this.#logger = logger;
    for (const member of members) member.provider.subscribe?.((event) => this.#events.emit(event));
  }

  /**
   * Reports a failing backend: a warning the first time, then debug messages while it keeps
   * failing (every operation would repeat the same warning otherwise).
   */
  #failed(member: GroupMember, what: string, error: unknown): void {
    const message = `Skipping MCP server ${member.name}: cannot ${what}: ${messageOf(error)}`;
    if (this.#failing.has(member)) this.#logger.debug(message);
    else {
      this.#failing.add(member);
      this.#logger.warn(message);
    }
  }

  #worked(member: GroupMember): void {
    if (this.#failing.delete(member)) this.#logger.info(`MCP server ${member.name} works again`);
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
      if (outcome.status === 'fulfilled') {
        this.#worked(member);
        ok.push({ member, value: outcome.value });
      } else {
        failed.push(`${member.name}: ${messageOf(outcome.reason)}`);
        this.#failed(member, what, outcome.reason);
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
    const owners = new Map<string, Owned<T>>();
    const merged: T[] = [];
    for (const { member, value } of lists) {
      for (const item of value) {
        const owner = owners.get(item.key);
        if (owner) throw collision(`${kind} ${item.key}`, owner, { member, item });
        owners.set(item.key, { member, item });
        merged.push(item);
      }
    }
    return merged;
  }

  /**
   * The one component `lookup` finds (`what` names it in messages), asking every backend: two
   * backends answering is a collision (`a` with tool `b_greet` and `a_b` with tool `greet` both expose `a_b_greet`).
   * A backend that fails is skipped with a warning; its failure is the answer only when no
   * backend has the component.
   */
  async #find<T extends Component>(
    what: string,
    lookup: (p: Provider) => Promise<T | undefined>,
    fallback?: { list: (p: Provider) => Promise<readonly T[]>; key: string },
  ): Promise<T | undefined> {
    const settled = await Promise.allSettled(
      this.members.map(async (member) => {
        const found = await lookup(member.provider);
        if (found || !fallback || !this.#mayHold(member, fallback.key)) return found;
        // A name that was cleaned or shortened cannot be reversed before it was listed once:
        // list the backend whose namespace it starts with.
        const items = await fallback.list(member.provider).catch(() => [] as readonly T[]);
        return items.find((item) => item.key === fallback.key);
      }),
    );
    const found: Array<Owned<T>> = [];
    let failure: unknown;
    settled.forEach((outcome, index) => {
      const member = this.members[index]!;
      if (outcome.status === 'rejected') {
        this.#failed(member, `find ${what}`, outcome.reason);
        failure ??= outcome.reason;
      } else if (outcome.value) found.push({ member, item: outcome.value });
    });
    if (found.length > 1) throw collision(what, found[0]!, found[1]!);
    if (found[0]) return found[0].item;
    if (failure) throw failure;
    return undefined;
  }

  /** Whether `key` may be a (shortened) name of `member`'s. */
  #mayHold(member: GroupMember, key: string): boolean {
    return key.startsWith(member.namespace.slice(0, 40));
  }

  /** Every backend's tools. */
  listTools(): Promise<Tool[]> {
    return this.#list('tool', (p) => p.listTools());
  }

  /** The tool exposed as `name` (names that were shortened are found through the list). */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#find(`tool ${name}`, (p) => p.getTool(name), {
      list: (p) => p.listTools(),
      key: name,
    });
  }

  /** Every backend's resources. */
  listResources(): Promise<Resource[]> {
    return this.#list('resource', (p) => p.listResources());
  }

  /** The resource exposed at `uri`. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#find(`resource ${uri}`, (p) => p.getResource(uri));
  }

  /** Every backend's resource templates. */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#list('resource template', (p) => p.listResourceTemplates());
  }

  /** The exposed template matching `uri` (two servers' templates matching it is a collision). */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    return this.#find(`a resource template matching ${uri}`, (p) => p.getResourceTemplate(uri));
  }

  /** Every backend's prompts. */
  listPrompts(): Promise<Prompt[]> {
    return this.#list('prompt', (p) => p.listPrompts());
  }

  /** The prompt exposed as `name`. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#find(`prompt ${name}`, (p) => p.getPrompt(name), {
      list: (p) => p.listPrompts(),
      key: name,
    });
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
