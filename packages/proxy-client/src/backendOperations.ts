import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolResult,
  type CompleteRequest,
  type CompleteResult,
  CompleteResultSchema,
  EmptyResultSchema,
  type GetPromptResult,
  GetPromptResultSchema,
  type Implementation,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  type LoggingLevel,
  type Prompt,
  type ReadResourceResult,
  ReadResourceResultSchema,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { currentContext } from '@org/core';
import { z } from 'zod';
import { withTraceMeta } from './backendTracing';
import { forwardableMeta } from './requestMeta';
import type { TimedRequestOptions } from './requestOptions';

/** Any JSON object: results relayed without being checked twice (see `callTool`). */
const RESULT_OBJECT = z.looseObject({});

/**
 * The most pages a list follows before giving up (a backend whose cursors never end): a list
 * longer than this fails naming the method rather than looping forever. A cursor seen before
 * ends the list at once.
 *
 * @example
 * ```ts
 * try {
 *   await backend.listTools();
 * } catch (error) {
 *   // "tools/list did not end after 250 pages" when the backend pages without end
 *   console.error(`more than ${MAX_LIST_PAGES} pages?`, error);
 * }
 * ```
 */
export const MAX_LIST_PAGES = 250;

type ListSchema =
  | typeof ListToolsResultSchema
  | typeof ListResourcesResultSchema
  | typeof ListResourceTemplatesResultSchema
  | typeof ListPromptsResultSchema;

function withMeta<T extends Record<string, unknown>>(
  params: T,
): T & { _meta?: Record<string, unknown> } {
  const meta = withTraceMeta(forwardableMeta(currentContext()?.meta));
  return meta ? { ...params, _meta: meta } : params;
}

/** Operations that may be sent again on a new backend session when the old one expired. */
const IDEMPOTENT = { idempotent: true } as const;

/**
 * The MCP operations of a proxy client, each one backend request made through
 * {@link BackendOperations.run} (which a proxy client implements). Every operation but
 * `callTool` is idempotent: sent again when the backend lost its session.
 *
 * @example
 * ```ts
 * const backend: BackendOperations = new ProxyClient({ command: 'node', args: ['server.js'] });
 * const tools = await backend.listTools(); // every page
 * const result = await backend.callTool('add', { a: 1, b: 2 });
 * const page = await backend.readResource('file:///README.md');
 * ```
 */
export abstract class BackendOperations {
  /**
   * Runs one backend request; see `ProxyClient`. `idempotent` operations may be sent again on a
   * new backend session when the backend lost the old one; others never are.
   */
  protected abstract run<T>(
    what: string,
    send: (sdk: Client, options: RequestOptions) => Promise<T>,
    how?: { idempotent?: boolean },
  ): Promise<T>;

  /** Connects (if needed) and returns the SDK client. */
  abstract connect(): Promise<Client>;

  async #listAll<T>(method: string, schema: ListSchema, key: string): Promise<T[]> {
    return this.run(
      method,
      async (sdk, options) => {
        const items: T[] = [];
        const seen = new Set<string>();
        let cursor: string | undefined;
        for (let page = 0; page < MAX_LIST_PAGES; page++) {
          if (page > 0) (options as TimedRequestOptions).restartTimeout?.();
          const params = cursor === undefined ? {} : { cursor };
          // Checked against the SDK's schema, but the items kept as the backend sent them:
          // the schema would strip fields it does not model, and a proxy keeps every field.
          const result = (await sdk.request(
            { method, params } as never,
            RESULT_OBJECT,
            options,
          )) as Record<string, unknown>;
          schema.parse(result);
          items.push(...((result[key] as T[] | undefined) ?? []));
          const next = result.nextCursor as string | undefined;
          if (next === undefined || seen.has(next)) return items;
          seen.add(next);
          cursor = next;
        }
        throw new Error(`${method} did not end after ${MAX_LIST_PAGES} pages`);
      },
      IDEMPOTENT,
    );
  }

  /** Every tool of the backend (all pages). */
  listTools(): Promise<Tool[]> {
    return this.#listAll('tools/list', ListToolsResultSchema, 'tools');
  }

  /** Every resource of the backend (all pages). */
  listResources(): Promise<Resource[]> {
    return this.#listAll('resources/list', ListResourcesResultSchema, 'resources');
  }

  /** Every resource template of the backend (all pages). */
  listResourceTemplates(): Promise<ResourceTemplate[]> {
    return this.#listAll(
      'resources/templates/list',
      ListResourceTemplatesResultSchema,
      'resourceTemplates',
    );
  }

  /** Every prompt of the backend (all pages). */
  listPrompts(): Promise<Prompt[]> {
    return this.#listAll('prompts/list', ListPromptsResultSchema, 'prompts');
  }

  /**
   * Calls a tool by its backend name. The result comes back as the backend gave it (`isError`
   * included); it is not validated against the tool's output schema (the client at the end of
   * the chain does that), nor against the whole MCP result schema: the server answering the
   * proxy's own client checks that once, so checking here too would only double the cost of the
   * hottest path.
   */
  async callTool(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return (await this.run(`tools/call ${name}`, (sdk, options) =>
      sdk.request(
        { method: 'tools/call', params: withMeta({ name, arguments: args }) },
        RESULT_OBJECT,
        options,
      ),
    )) as CallToolResult;
  }

  /** Reads a resource by its backend URI. */
  readResource(uri: string): Promise<ReadResourceResult> {
    return this.run(
      `resources/read ${uri}`,
      (sdk, options) =>
        sdk.request(
          { method: 'resources/read', params: withMeta({ uri }) },
          ReadResourceResultSchema,
          options,
        ),
      IDEMPOTENT,
    );
  }

  /** Renders a prompt by its backend name. */
  getPrompt(name: string, args: Record<string, string> = {}): Promise<GetPromptResult> {
    return this.run(
      `prompts/get ${name}`,
      (sdk, options) =>
        sdk.request(
          { method: 'prompts/get', params: withMeta({ name, arguments: args }) },
          GetPromptResultSchema,
          options,
        ),
      IDEMPOTENT,
    );
  }

  /** Asks the backend to complete an argument. */
  complete(params: CompleteRequest['params']): Promise<CompleteResult> {
    return this.run(
      'completion/complete',
      (sdk, options) =>
        sdk.request({ method: 'completion/complete', params }, CompleteResultSchema, options),
      IDEMPOTENT,
    );
  }

  /**
   * Subscribes the backend session to a resource's updates, as is: not recorded, so not
   * restored on a new backend session (`ProxyClient.sessionState.subscribe` is).
   */
  async subscribeResource(uri: string): Promise<void> {
    await this.run(
      `resources/subscribe ${uri}`,
      (sdk, options) =>
        sdk.request({ method: 'resources/subscribe', params: { uri } }, EmptyResultSchema, options),
      IDEMPOTENT,
    );
  }

  /** Unsubscribes from a backend resource's updates. */
  async unsubscribeResource(uri: string): Promise<void> {
    await this.run(
      `resources/unsubscribe ${uri}`,
      (sdk, options) =>
        sdk.request(
          { method: 'resources/unsubscribe', params: { uri } },
          EmptyResultSchema,
          options,
        ),
      IDEMPOTENT,
    );
  }

  /**
   * Passes a log level to the backend, as is: not recorded, so not restored on a new backend
   * session (`ProxyClient.sessionState.setLevel` is).
   */
  async setLoggingLevel(level: LoggingLevel): Promise<void> {
    await this.run(
      'logging/setLevel',
      (sdk, options) =>
        sdk.request({ method: 'logging/setLevel', params: { level } }, EmptyResultSchema, options),
      IDEMPOTENT,
    );
  }

  /** Pings the backend. */
  async ping(): Promise<void> {
    await this.run(
      'ping',
      (sdk, options) => sdk.request({ method: 'ping' }, EmptyResultSchema, options),
      IDEMPOTENT,
    );
  }

  /** The backend's capabilities (connecting if needed). */
  async serverCapabilities(): Promise<ServerCapabilities> {
    return this.run('initialize', async (sdk) => sdk.getServerCapabilities() ?? {});
  }

  /** The backend's name and version (connecting if needed). */
  async serverInfo(): Promise<Implementation | undefined> {
    return this.run('initialize', async (sdk) => sdk.getServerVersion());
  }

  /** The backend's instructions (connecting if needed). */
  async instructions(): Promise<string | undefined> {
    return this.run('initialize', async (sdk) => sdk.getInstructions());
  }
}
