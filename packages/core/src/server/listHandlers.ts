import {
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { requestFailure } from './errorMapping';
import type { HandlerKit } from './handlerKit';
import { type Page, paginate } from './pagination';

/** One page of a provider list; a failing list (under the `raise` strategy) becomes a JSON-RPC error. */
async function pageOf<T>(
  kit: HandlerKit,
  what: string,
  list: () => Promise<readonly T[]>,
  cursor: string | undefined,
): Promise<Page<T>> {
  let items: readonly T[];
  try {
    items = await list();
  } catch (error) {
    throw requestFailure(`listing ${what}`, error, kit.maskErrorDetails);
  }
  return paginate(items, cursor, kit.pageSize);
}

function withCursor<T extends object>(result: T, page: Page<unknown>): T & { nextCursor?: string } {
  return page.nextCursor ? { ...result, nextCursor: page.nextCursor } : result;
}

/** Registers `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`. @internal */
export function registerListHandlers(kit: HandlerKit): void {
  const { sdk, providers } = kit;
  sdk.setRequestHandler(ListToolsRequestSchema, (request, extra) =>
    kit.run('tools/list', extra, async () => {
      const page = await pageOf(kit, 'tools', () => providers.listTools(), request.params?.cursor);
      return withCursor({ tools: page.items.map((tool) => tool.toWire()) }, page);
    }),
  );
  sdk.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
    kit.run('resources/list', extra, async () => {
      const page = await pageOf(
        kit,
        'resources',
        () => providers.listResources(),
        request.params?.cursor,
      );
      return withCursor({ resources: page.items.map((resource) => resource.toWire()) }, page);
    }),
  );
  sdk.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
    kit.run('resources/templates/list', extra, async () => {
      const list = () => providers.listResourceTemplates();
      const page = await pageOf(kit, 'resource templates', list, request.params?.cursor);
      return withCursor(
        { resourceTemplates: page.items.map((template) => template.toWire()) },
        page,
      );
    }),
  );
  sdk.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
    kit.run('prompts/list', extra, async () => {
      const page = await pageOf(
        kit,
        'prompts',
        () => providers.listPrompts(),
        request.params?.cursor,
      );
      return withCursor({ prompts: page.items.map((prompt) => prompt.toWire()) }, page);
    }),
  );
}
