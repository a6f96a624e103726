import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  ProxyClient,
  ProxyPrompt,
  ProxyResource,
  ProxyServer,
  ProxyTemplate,
  ProxyTool,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Front, frontInMemory } from './fixtures/fronts';

/** A field no MCP revision defines: a proxy must list it as the backend did. */
const EXTRA = { futureField: { since: '2099-01-01', flags: [1, 2] } };

const WIRE = {
  tools: [{ name: 'echo', inputSchema: { type: 'object' }, ...EXTRA }],
  resources: [{ uri: 'data://a', name: 'a', ...EXTRA }],
  resourceTemplates: [{ uriTemplate: 'data://item/{id}', name: 'item', ...EXTRA }],
  prompts: [{ name: 'hello', ...EXTRA }],
};

/** A backend that lists one component of each kind, each with a field the SDK does not model. */
function futureBackend(): Server {
  const server = new Server(
    { name: 'future', version: '1.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: WIRE.tools }) as never);
  server.setRequestHandler(
    ListResourcesRequestSchema,
    () => ({ resources: WIRE.resources }) as never,
  );
  server.setRequestHandler(
    ListResourceTemplatesRequestSchema,
    () => ({ resourceTemplates: WIRE.resourceTemplates }) as never,
  );
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: WIRE.prompts }) as never);
  return server;
}

const loose = z.record(z.string(), z.unknown());
const LISTS = {
  tools: 'tools/list',
  resources: 'resources/list',
  resourceTemplates: 'resources/templates/list',
  prompts: 'prompts/list',
} as const;

/** A list as it is on the wire (an SDK client's own list methods drop unknown fields). */
async function wireList(front: Front, key: keyof typeof LISTS): Promise<unknown[]> {
  const result = await front.client.request(
    { method: LISTS[key] },
    z.object({ [key]: z.array(loose) }),
  );
  return result[key] as unknown[];
}

const notUsed = () => {
  throw new Error('not used');
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('fields of a backend wire object that the SDK does not model', () => {
  it('are kept by fromMcp* and listed again, through renames too', () => {
    const tool = ProxyTool.fromMcpTool(notUsed, WIRE.tools[0] as never);
    const resource = ProxyResource.fromMcpResource(notUsed, WIRE.resources[0] as never);
    const template = ProxyTemplate.fromMcpTemplate(notUsed, WIRE.resourceTemplates[0] as never);
    const prompt = ProxyPrompt.fromMcpPrompt(notUsed, WIRE.prompts[0] as never);
    expect(tool.toWire()).toEqual(WIRE.tools[0]);
    expect(resource.toWire()).toEqual(WIRE.resources[0]);
    expect(template.toWire()).toEqual(WIRE.resourceTemplates[0]);
    expect(prompt.toWire()).toEqual(WIRE.prompts[0]);
    // A renamed copy keeps them, and the new name wins over anything the extras hold.
    expect(tool.withName('ns_echo').toWire()).toEqual({ ...WIRE.tools[0], name: 'ns_echo' });
    expect(resource.withUri('data://ns/a').toWire()).toMatchObject({
      uri: 'data://ns/a',
      ...EXTRA,
    });
    expect(prompt.withName('ns_hello').toWire()).toMatchObject({ name: 'ns_hello', ...EXTRA });
  });

  it('reach the proxy’s clients in every list, namespaced or not', async () => {
    const client = new ProxyClient({ server: () => futureBackend() }, { name: 'future' });
    cleanups.push(() => client.dispose());
    const proxy = new ProxyServer({ clientFactory: () => client });
    cleanups.push(() => proxy.close());
    const front = await frontInMemory(proxy);
    cleanups.push(() => front.close());
    expect(await wireList(front, 'tools')).toEqual(WIRE.tools);
    expect(await wireList(front, 'resources')).toEqual(WIRE.resources);
    expect(await wireList(front, 'resourceTemplates')).toEqual(WIRE.resourceTemplates);
    expect(await wireList(front, 'prompts')).toEqual(WIRE.prompts);

    const namespaced = new ProxyServer({
      backends: [{ name: 'future', namespace: 'f', clientFactory: () => client }],
    });
    cleanups.push(() => namespaced.close());
    const second = await frontInMemory(namespaced);
    cleanups.push(() => second.close());
    expect(await wireList(second, 'tools')).toEqual([{ ...WIRE.tools[0], name: 'f_echo' }]);
    expect(await wireList(second, 'resources')).toEqual([
      { ...WIRE.resources[0], uri: 'data://f/a' },
    ]);
    expect(await wireList(second, 'prompts')).toEqual([{ ...WIRE.prompts[0], name: 'f_hello' }]);
  });
});
