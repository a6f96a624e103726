import {
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { HandlerKit } from './handlerKit';
import { paginate } from './pagination';

/** Registers `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`. @internal */
export function registerListHandlers(kit: HandlerKit): void {
  const { sdk, providers, pageSize } = kit;
  sdk.setRequestHandler(ListToolsRequestSchema, (request, extra) =>
    kit.run('tools/list', extra, async () => {
      const page = paginate(await providers.listTools(), request.params?.cursor, pageSize);
      return { tools: page.items.map((tool) => tool.toWire()), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    }),
  );
  sdk.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
    kit.run('resources/list', extra, async () => {
      const page = paginate(await providers.listResources(), request.params?.cursor, pageSize);
      return {
        resources: page.items.map((resource) => resource.toWire()),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    }),
  );
  sdk.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
    kit.run('resources/templates/list', extra, async () => {
      const page = paginate(await providers.listResourceTemplates(), request.params?.cursor, pageSize);
      return {
        resourceTemplates: page.items.map((template) => template.toWire()),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    }),
  );
  sdk.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
    kit.run('prompts/list', extra, async () => {
      const page = paginate(await providers.listPrompts(), request.params?.cursor, pageSize);
      return { prompts: page.items.map((prompt) => prompt.toWire()), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    }),
  );
}
