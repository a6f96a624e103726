import {
  ErrorCode,
  type LoggingLevel,
  McpError,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Component,
  type ComponentKind,
  EventHub,
  mergeCapabilities,
  type Prompt,
  type Provider,
  type ProviderListener,
  type Resource,
  type ResourceTemplate,
  type Tool,
  templateByUriTemplate,
  unnamespaceUri,
} from '@org/core';
import { errorMessage, type Logger, noopLogger, ProxyError, ProxyErrorCode } from '@org/transports';
import type { ClientFactory } from '../components/clientFactory';
import { ProxyPrompt } from '../components/proxyPrompt';
import { ProxyResource } from '../components/proxyResource';
import { ProxyTemplate } from '../components/proxyTemplate';
import { ProxyTool } from '../components/proxyTool';
import {
  type BackendHealth,
  type BackendHealthOptions,
  capabilitiesWhileDown,
  withListChanged,
} from './backendHealth';
import { GroupHealth, RETURNING_KINDS, raceDeadline, TIMED_OUT } from './groupHealth';

/** One backend of a {@link ProxyGroupProvider}: its server name and its (namespaced) provider. */
export interface GroupMember {
  /** The server's name in the config. */
  name: string;
  /** Its components, already namespaced. */
  provider: Provider;
  /** The namespace its tool and prompt names start with. */
  namespace: string;
  /**
   * Whether the current request's caller may know of this server (a policy): when not, lookups
   * and messages pass it over as if it did not exist. @default always
   */
  visible?: () => boolean;
}

/** The members the current caller may know of. */
function visibleMembers(members: readonly GroupMember[]): readonly GroupMember[] {
  return members.some((member) => member.visible)
    ? members.filter((member) => member.visible?.() !== false)
    : members;
}

function innerName(component: Component): string {
  const named = component as {
    backendName?: string;
    backendUri?: string;
    backendUriTemplate?: string;
  };
  return named.backendName ?? named.backendUri ?? named.backendUriTemplate ?? component.key;
}

/** The JSON-RPC code MCP uses for an unknown resource. */
const RESOURCE_NOT_FOUND = -32002;

/** A JSON-RPC error whose wire message is `message` itself (without the SDK's prefix). */
function wireError(code: number, message: string): McpError {
  const error = new McpError(code, message);
  error.message = message;
  return error;
}

/**
 * A stand-in for a name or URI no server's namespace matches: unlisted (so any listed
 * component, a local one included, wins over it), and failing every use with `error`, a local
 * error naming the servers and their namespaces.
 */
function refusal<T extends Component>(kind: ComponentKind, key: string, error: McpError): T {
  const fail: ClientFactory = () => {
    throw error;
  };
  const made: Record<ComponentKind, () => Component> = {
    tool: () => ProxyTool.fromMcpTool(fail, { name: key, inputSchema: { type: 'object' } }),
    prompt: () => ProxyPrompt.fromMcpPrompt(fail, { name: key }),
    resource: () => ProxyResource.fromMcpResource(fail, { uri: key, name: key }),
    template: () => ProxyTemplate.fromMcpTemplate(fail, { uriTemplate: key, name: key }),
  };
  return made[kind]().copy({ unlisted: true }) as T;
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

/** How messages name a kind looked up by URI. */
const KIND_NAMES: Record<ComponentKind, string> = {
  tool: 'tool',
  prompt: 'prompt',
  resource: 'resource',
  template: 'a resource template matching',
};

/** What a lookup looks for, to tell which backends may hold it. */
type LookupKey = { name: string } | { uri: string };

/**
 * The backends of a multi-server config as one provider, where a hung or dead backend does not
 * hold up the others. Every operation that asks all backends (capabilities at `initialize`, the
 * four lists, lookups, `ping`) waits for each at most `listDeadlineMs`; a backend that fails
 * or misses the deadline is marked down (one warning naming it and the reason), left out, and
 * skipped at once by later operations while a background retry, with exponential backoff,
 * probes it (`capabilities` then `ping`; one attempt at a time; stopped by `stop()`). When it
 * answers again (the retry, or the late answer of a request that missed the deadline), it is
 * marked up (an info message) and the clients are sent `list_changed` for tools, resources
 * and prompts, so they list again. {@link ProxyGroupProvider.health} tells the state of each.
 *
 * The group announces `listChanged` for every kind it announces, and for a backend that is
 * down at `initialize` it announces what that backend announced when it last answered (every
 * kind when it never did), so that clients accept those notifications when it comes back.
 *
 * When every backend fails, the error names them all. Two backends exposing the same name is
 * an error naming both, never a silent shadow: when listing, and when a call, read or render
 * names it.
 */
export class ProxyGroupProvider implements Provider {
  /** A name for messages. */
  readonly name = 'servers';
  #members: readonly GroupMember[];
  readonly #offMembers = new Map<GroupMember, () => void>();
  /** How long each backend is waited for when all are asked at once, in milliseconds. */
  readonly listDeadlineMs: number;
  /** The delay before the first background retry of a backend that went down, in milliseconds. */
  readonly retryInitialMs: number;
  /** The longest delay between two background retries, in milliseconds. */
  readonly retryMaxMs: number;
  readonly #logger: Logger;
  readonly #events = new EventHub();
  readonly #health: GroupHealth;

  /**
   * @param members - the backends, in config order
   * @param logger - where failing and returning backends are reported
   * @param options - the deadline and the retry backoff
   * @throws ProxyError `INVALID_CONFIG` when an option is not a positive number of milliseconds
   */
  constructor(
    members: GroupMember[],
    logger: Logger = noopLogger,
    options: BackendHealthOptions = {},
  ) {
    this.#health = new GroupHealth(members, logger, options, () => {
      for (const kind of RETURNING_KINDS) this.#events.emit({ type: 'listChanged', kind });
    });
    this.listDeadlineMs = this.#health.listDeadlineMs;
    this.retryInitialMs = this.#health.retryInitialMs;
    this.retryMaxMs = this.#health.retryMaxMs;
    this.#members = members;
    this.#logger = logger;
    for (const member of members) this.#listen(member);
  }

  /** The backends, in config order. */
  get members(): readonly GroupMember[] {
    return this.#members;
  }

  #listen(member: GroupMember): void {
    const off = member.provider.subscribe?.((event) => this.#events.emit(event));
    if (off) this.#offMembers.set(member, off);
  }

  /**
   * Replaces the backends (a config reload). A member kept (the same object) keeps its health;
   * its `provider` and `namespace` may have been replaced in place, so every member's events
   * are listened to afresh. Operations already running finish with the members they started
   * with. The caller tells the clients to list again.
   */
  setMembers(members: readonly GroupMember[]): void {
    for (const off of this.#offMembers.values()) off();
    this.#offMembers.clear();
    this.#health.setMembers(members);
    this.#members = [...members];
    for (const member of this.#members) this.#listen(member);
  }

  /** The health of every backend, in config order: a snapshot, for readiness checks and the like. */
  health(): BackendHealth[] {
    return this.#health.health();
  }

  /** Asks every backend at once; throws, naming each, when none answers. */
  async #gather<T>(
    what: string,
    run: (member: GroupMember) => Promise<T>,
  ): Promise<Array<{ member: GroupMember; value: T }>> {
    const members = this.#members;
    const outcomes = await Promise.all(
      members.map((member) => this.#health.attempt(member, what, () => run(member))),
    );
    const ok: Array<{ member: GroupMember; value: T }> = [];
    const failed: string[] = [];
    outcomes.forEach((outcome, index) => {
      const member = members[index]!;
      if (outcome.ok) ok.push({ member, value: outcome.value });
      else if (outcome.skipped) {
        const health = this.#health.of(member);
        failed.push(
          `${member.name}: down (${health.lastError}); ${this.#health.retryNote(health)}`,
        );
      } else failed.push(`${member.name}: ${errorMessage(outcome.error)}`);
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
    const lists = await this.#gather(`list ${kind}s`, (member) => list(member.provider));
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
   * backends answering is a collision (`a` with tool `b_greet` and `a_b` with tool `greet` both
   * expose `a_b_greet`). The backends whose namespace the name or URI is in are waited for
   * under their own timeouts (only they can have it; failing them early would turn a slow
   * start into "not found"); the others within the deadline. A failure is the answer only
   * when no backend has the component and the failing backend may have it.
   */
  async #find<T extends Component>(
    kind: ComponentKind,
    key: LookupKey,
    lookup: (p: Provider) => Promise<T | undefined>,
    fallback?: (p: Provider) => Promise<readonly T[]>,
    refuse = true,
  ): Promise<T | undefined> {
    const what = 'name' in key ? `${kind} ${key.name}` : `${KIND_NAMES[kind]} ${key.uri}`;
    const members = visibleMembers(this.#members);
    if (!members.some((member) => this.#mayHold(member, key))) {
      if (!refuse) return undefined;
      return refusal<T>(kind, 'name' in key ? key.name : key.uri, this.#noNamespace(kind, key));
    }
    const outcomes = await Promise.all(
      members.map((member) => {
        const mayHold = this.#mayHold(member, key);
        return this.#health.attempt(
          member,
          `find ${what}`,
          async (provider) => {
            const found = await lookup(provider);
            if ((found && !found.unlisted) || !fallback || !mayHold || !('name' in key)) {
              return found;
            }
            // A name that was cleaned or shortened cannot be reversed before it was listed once:
            // list the backend whose namespace it starts with (a stand-in for an unlisted name
            // is the answer only when the list does not have it).
            const items = await fallback(provider).catch(() => [] as readonly T[]);
            return items.find((item) => item.key === key.name) ?? found;
          },
          mayHold ? undefined : this.listDeadlineMs,
        );
      }),
    );
    const found: Array<Owned<T>> = [];
    let failure: unknown;
    outcomes.forEach((outcome, index) => {
      const member = members[index]!;
      if (outcome.ok) {
        if (outcome.value) found.push({ member, item: outcome.value });
      } else if (this.#mayHold(member, key)) failure ??= outcome.error;
    });
    // A listed component wins over stand-ins for names a backend did not list; among stand-ins,
    // the server with the longest namespace (`a_b` over `a` for `a_b_x`): the most specific.
    const listed = found.filter((owned) => !owned.item.unlisted);
    const longest = Math.max(0, ...found.map((owned) => owned.member.namespace.length));
    const candidates =
      listed.length > 0 ? listed : found.filter((o) => o.member.namespace.length === longest);
    if (candidates.length > 1) throw collision(what, candidates[0]!, candidates[1]!);
    if (candidates[0]) return candidates[0].item;
    if (failure) throw failure;
    return undefined;
  }

  /** The local error for a name or URI that no server's namespace matches, naming them all. */
  #noNamespace(kind: ComponentKind, key: LookupKey): McpError {
    const shown = visibleMembers(this.members);
    const servers = shown.map((m) => `${m.name} (${m.namespace}_)`).join(', ');
    if ('name' in key) {
      return wireError(
        ErrorCode.InvalidParams,
        `Unknown ${kind}: ${key.name}: its name starts with no server's namespace; the servers are ${servers}`,
      );
    }
    const schemes = shown.map((m) => `${m.name} (<scheme>://${m.namespace}/...)`);
    return wireError(
      kind === 'template' ? ErrorCode.InvalidParams : RESOURCE_NOT_FOUND,
      `${kind === 'template' ? 'Unknown resource template' : 'Resource not found'}: ${key.uri}: no server's namespace is in it; the servers are ${schemes.join(', ')}`,
    );
  }

  /** Whether `key` may be a (shortened) name, or a URI, of `member`'s. */
  #mayHold(member: GroupMember, key: LookupKey): boolean {
    if ('name' in key) return key.name.startsWith(member.namespace.slice(0, 40));
    return member.namespace === '' || unnamespaceUri(member.namespace, key.uri) !== undefined;
  }

  /** Every working backend's tools. */
  listTools(): Promise<Tool[]> {
    return this.#list('tool', (p) => p.listTools());
  }

  /** The tool exposed as `name` (names that were shortened are found through the list). */
  getTool(name: string): Promise<Tool | undefined> {
    return this.#find(
      'tool',
      { name },
      (p) => p.getTool(name),
      (p) => p.listTools(),
    );
  }

  /** Every working backend's resources. */
  listResources(): Promise<Resource[]> {
    return this.#list('resource', (p) => p.listResources());
  }

  /** The resource exposed at `uri`. */
  getResource(uri: string): Promise<Resource | undefined> {
    return this.#find('resource', { uri }, (p) => p.getResource(uri));
  }

  /** Every working backend's resource templates. */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#list('resource template', (p) => p.listResourceTemplates());
  }

  /** The exposed template matching `uri` (two servers' templates matching it is a collision). */
  getResourceTemplate(uri: string): Promise<ResourceTemplate | undefined> {
    // A URI no namespace matches is refused by `getResource`, which servers ask first.
    return this.#find('template', { uri }, (p) => p.getResourceTemplate(uri), undefined, false);
  }

  /** The exposed template whose URI template is `uriTemplate` (a completion's `ref/resource`). */
  findResourceTemplate(uriTemplate: string): Promise<ResourceTemplate | undefined> {
    return this.#find('template', { uri: uriTemplate }, (p) =>
      templateByUriTemplate(p, uriTemplate),
    );
  }

  /** Every working backend's prompts. */
  listPrompts(): Promise<Prompt[]> {
    return this.#list('prompt', (p) => p.listPrompts());
  }

  /** The prompt exposed as `name`. */
  getPrompt(name: string): Promise<Prompt | undefined> {
    return this.#find(
      'prompt',
      { name },
      (p) => p.getPrompt(name),
      (p) => p.listPrompts(),
    );
  }

  /**
   * The union of what the working backends offer and of what the down ones offered when they
   * last answered (every kind for one that never did), each kind with `listChanged`; an error
   * naming every backend when none works.
   */
  async capabilities(): Promise<ServerCapabilities> {
    // The members asked, in config order, even when a reload replaces them meanwhile.
    const members = this.#members;
    const answered = await this.#gather('start', async (member) => {
      const provider = member.provider;
      const capabilities = provider.capabilities ? await provider.capabilities() : {};
      this.#health.of(member).capabilities = capabilities;
      return capabilities;
    });
    let merged: ServerCapabilities = {};
    for (const member of members) {
      const entry = answered.find((candidate) => candidate.member === member);
      merged = mergeCapabilities(
        merged,
        entry ? entry.value : capabilitiesWhileDown(this.#health.of(member).capabilities),
      );
    }
    return withListChanged(merged);
  }

  /**
   * The working backends' instructions, each under a heading with its server's name (and the
   * namespace its names carry), in config order. A backend that is down, fails or misses the
   * deadline is left out; its health is left to `capabilities`, asked at the same initialize.
   * `undefined` when none has any.
   */
  async instructions(): Promise<string | undefined> {
    const members = visibleMembers(this.#members);
    const texts = await Promise.all(
      members.map(async (member) => {
        if (this.#health.of(member).state === 'down' || !member.provider.instructions)
          return undefined;
        const asked = member.provider.instructions().catch(() => undefined);
        const text = await raceDeadline(asked, this.listDeadlineMs);
        return text === TIMED_OUT ? undefined : text;
      }),
    );
    const sections: string[] = [];
    texts.forEach((text, index) => {
      const member = members[index]!;
      if (text) sections.push(`## ${member.name} (tools ${member.namespace}_*)\n\n${text.trim()}`);
    });
    return sections.length > 0 ? sections.join('\n\n') : undefined;
  }

  /** Passes the log level to every backend that is up, waiting for each at most the deadline. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        if (this.#health.of(member).state === 'down') return;
        const work = Promise.resolve()
          .then(() => member.provider.setLogLevel?.(level))
          .catch((error: unknown) => {
            this.#logger.debug(
              `Cannot pass the log level to MCP server ${member.name}: ${errorMessage(error)}`,
            );
          });
        await raceDeadline(work, this.listDeadlineMs);
      }),
    );
  }

  /**
   * Passes the client's `notifications/roots/list_changed` to every backend that is up (each
   * tells only the backend session serving that client session, if one is open). A backend
   * failing to take it is logged at debug level: a notification has no answer to fail.
   */
  async rootsChanged(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        if (this.#health.of(member).state === 'down' || !member.provider.rootsChanged) return;
        try {
          await member.provider.rootsChanged();
        } catch (error) {
          this.#logger.debug(
            `Cannot pass a roots change to MCP server ${member.name}: ${errorMessage(error)}`,
          );
        }
      }),
    );
  }

  /** Pings every backend; fails only when none answers. */
  async ping(): Promise<void> {
    await this.#gather('answer ping', async (member) => {
      await member.provider.ping?.();
    });
  }

  /** Listens to every backend's events, and to backends coming back. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Lets background retries run again after {@link ProxyGroupProvider.stop}. */
  async start(): Promise<void> {
    this.#health.start();
  }

  /** Cancels the background retries (one in flight ends without effect). */
  async stop(): Promise<void> {
    this.#health.stop();
  }
}
