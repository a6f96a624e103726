import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import {
  createProxy,
  namespace,
  ProviderServer,
  ProxyClient,
  ProxyPrompt,
  ProxyProvider,
  ProxyResource,
  type ProxyServer,
  ProxyTemplate,
  ProxyTool,
} from '@org/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend, ICON, USERS } from './fixtures/demoBackend';
import { type Front, frontInMemory, textOf } from './fixtures/fronts';

const factory = () => {
  throw new Error('not used');
};

describe('proxied components mirror the backend', () => {
  let backendServer: ProviderServer;
  let proxy: ProxyServer;
  let front: Front;
  let direct: Front;

  beforeAll(async () => {
    backendServer = demoBackend();
    proxy = createProxy(backendServer);
    front = await frontInMemory(proxy);
    direct = await frontInMemory(backendServer, {}, 'direct');
  });

  afterAll(async () => {
    await front?.close();
    await direct?.close();
    await proxy?.close();
  });

  it('lists every kind exactly as the backend does', async () => {
    expect(await front.client.listTools()).toEqual(await direct.client.listTools());
    expect(await front.client.listResources()).toEqual(await direct.client.listResources());
    expect(await front.client.listResourceTemplates()).toEqual(
      await direct.client.listResourceTemplates(),
    );
    expect(await front.client.listPrompts()).toEqual(await direct.client.listPrompts());
  });

  it('keeps title, icons, tags, _meta, annotations, execution and schemas of a tool', async () => {
    const { tools } = await front.client.listTools();
    const greet = tools.find((tool) => tool.name === 'greet');
    expect(greet).toMatchObject({
      title: 'Greet',
      description: 'Greets someone',
      icons: [ICON],
      annotations: { readOnlyHint: true, idempotentHint: true },
      execution: { taskSupport: 'optional' },
      _meta: { 'example.com/owner': 'demo', fastmcp: { tags: ['greet'] } },
    });
    expect(greet?.inputSchema.properties).toHaveProperty('name');
    const add = tools.find((tool) => tool.name === 'add');
    expect(add?.outputSchema?.properties).toHaveProperty('sum');
    const bare = tools.find((tool) => tool.name === 'tool_without_description');
    expect(bare).toBeDefined();
    expect(bare?.description).toBeUndefined();
  });

  it('keeps the fields of resources, templates and prompts', async () => {
    const { resources } = await front.client.listResources();
    expect(resources.find((r) => r.uri === 'resource://wave')).toEqual({
      uri: 'resource://wave',
      name: 'wave',
      title: 'Wave',
      description: 'A wave',
      icons: [ICON],
      mimeType: 'text/plain',
      size: 4,
      annotations: { audience: ['user'], priority: 0.5 },
      _meta: { fastmcp: { tags: ['wave'] } },
    });
    const { resourceTemplates } = await front.client.listResourceTemplates();
    expect(resourceTemplates.find((t) => t.name === 'get_user')).toMatchObject({
      uriTemplate: 'data://user/{user_id}',
      title: 'User',
      icons: [ICON],
      mimeType: 'application/json',
      annotations: { priority: 1 },
      _meta: { fastmcp: { tags: ['users'] } },
    });
    const { prompts } = await front.client.listPrompts();
    expect(prompts.find((p) => p.name === 'welcome')).toMatchObject({
      title: 'Welcome',
      icons: [ICON],
      arguments: [{ name: 'name', description: 'Who to welcome', required: true }],
      _meta: { 'example.com/kind': 'greeting', fastmcp: { tags: ['welcome'] } },
    });
  });

  it.each([
    ['greet', { name: 'Alice' }],
    ['add', { a: 1, b: 2 }],
    ['error_tool', {}],
    ['error_with_content', {}],
    ['error_empty', {}],
    ['meta_tool', {}],
    ['mixed_content', {}],
  ])('passes the result of %s through unchanged', async (name, args) => {
    const proxied = await front.client.callTool({ name, arguments: args });
    expect(proxied).toEqual(await direct.client.callTool({ name, arguments: args }));
  });

  it('keeps isError, error content, structuredContent and result _meta', async () => {
    const failed = await front.client.callTool({ name: 'error_tool', arguments: {} });
    expect(failed).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'This is a test error' }],
    });
    const rich = await front.client.callTool({ name: 'error_with_content', arguments: {} });
    expect(rich.isError).toBe(true);
    expect(rich.structuredContent).toEqual({ code: 7, reason: 'broken' });
    expect(rich._meta).toEqual({ 'example.com/trace': 'e-1' });
    expect((rich.content as Array<{ type: string }>)[0]?.type).toBe('image');
    expect(await front.client.callTool({ name: 'error_empty', arguments: {} })).toEqual({
      isError: true,
      content: [],
    });
    const sum = await front.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(sum.structuredContent).toEqual({ sum: 3 });
  });

  it.each([
    'resource://wave',
    'data://users',
    'data://multi',
    'data://binary',
    'data://result-meta',
    'data://user/2',
    'data://multi/test123',
  ])('reads %s exactly as the backend does', async (uri) => {
    expect(await front.client.readResource({ uri })).toEqual(
      await direct.client.readResource({ uri }),
    );
  });

  it('returns every item of a multi-content resource, with item and result _meta', async () => {
    const multi = await front.client.readResource({ uri: 'data://multi' });
    expect(multi.contents).toHaveLength(3);
    expect(multi.contents[0]).toMatchObject({ text: 'one', _meta: { index: 1 } });
    expect(multi.contents[2]).toMatchObject({ uri: 'data://multi/three', blob: 'AAEC' });
    const meta = await front.client.readResource({ uri: 'data://result-meta' });
    expect(meta._meta).toEqual({ 'example.com/etag': 'v1' });
    const binary = await front.client.readResource({ uri: 'data://binary' });
    expect(binary.contents[0]).toMatchObject({
      blob: Buffer.from([0, 1, 2, 255]).toString('base64'),
    });
  });

  it.each(USERS.map((user) => [user.id, user] as const))(
    'reads user %s through the template',
    async (id, user) => {
      const result = await front.client.readResource({ uri: `data://user/${id}` });
      expect(JSON.parse(textOf(result.contents[0]))).toEqual(user);
    },
  );

  it('renders prompts exactly as the backend does, images and resources included', async () => {
    for (const [name, args] of [
      ['welcome', { name: 'Alice' }],
      ['image_prompt', {}],
    ] as const) {
      expect(await front.client.getPrompt({ name, arguments: args })).toEqual(
        await direct.client.getPrompt({ name, arguments: args }),
      );
    }
    const image = await front.client.getPrompt({ name: 'image_prompt' });
    expect(image.messages[1]?.content).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(image._meta).toEqual({ 'example.com/rendered': true });
    expect(image.description).toBe('An image and a resource');
  });
});

describe('proxy components keep the backend identity across renames', () => {
  const wireTool: McpTool = {
    name: 'greet',
    title: 'Greet',
    description: 'Greets',
    icons: [ICON],
    inputSchema: { type: 'object', properties: { name: { type: 'string' } } },
    outputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    annotations: { readOnlyHint: true },
    execution: { taskSupport: 'optional' },
    _meta: { fastmcp: { tags: ['a', 'b'] }, other: 1 },
  };

  it('fromMcpTool keeps every field, and its wire form is the backend one', () => {
    const tool = ProxyTool.fromMcpTool(factory, wireTool);
    expect(tool.toWire()).toEqual(wireTool);
    expect(tool.tags).toEqual(['a', 'b']);
  });

  it('remembers the backend name, URI and URI template across several renames', () => {
    const tool = ProxyTool.fromMcpTool(factory, wireTool).withName('x_greet').withName('y_x_greet');
    expect(tool.name).toBe('y_x_greet');
    expect(tool.backendName).toBe('greet');
    expect(tool.toWire()).toEqual({ ...wireTool, name: 'y_x_greet' });
    const resource = ProxyResource.fromMcpResource(factory, {
      uri: 'data://a',
      name: 'a',
      annotations: { priority: 1 },
      size: 3,
    }).withUri('data://ns/a');
    expect(resource.backendUri).toBe('data://a');
    expect(resource.toWire()).toEqual({
      uri: 'data://ns/a',
      name: 'a',
      annotations: { priority: 1 },
      size: 3,
    });
    const template = ProxyTemplate.fromMcpTemplate(factory, {
      uriTemplate: 'data://{id}',
      name: 't',
    }).withUriTemplate('data://ns/{id}');
    expect(template.backendUriTemplate).toBe('data://{id}');
    expect(template.matches('data://ns/7')).toEqual({ id: '7' });
    const prompt = ProxyPrompt.fromMcpPrompt(factory, {
      name: 'p',
      arguments: [{ name: 'x', description: 'X', required: true }],
    }).withName('ns_p');
    expect(prompt.backendName).toBe('p');
    expect(prompt.toWire()).toEqual({
      name: 'ns_p',
      arguments: [{ name: 'x', description: 'X', required: true }],
    });
  });

  it('a namespaced proxy calls, reads and renders by the backend names', async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend);
    const server = new ProviderServer({ name: 'outer' });
    server.addProvider(new ProxyProvider(() => client), {
      transforms: [namespace('inner')],
      namespace: 'api',
    });
    const front = await frontInMemory(server);
    try {
      const names = (await front.client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('api_inner_greet');
      const greeted = await front.client.callTool({
        name: 'api_inner_greet',
        arguments: { name: 'Ann' },
      });
      expect(greeted.content).toEqual([{ type: 'text', text: 'Hello, Ann!' }]);
      const wave = await front.client.readResource({ uri: 'resource://api/inner/wave' });
      expect(wave.contents).toEqual([
        { uri: 'resource://api/inner/wave', mimeType: 'text/plain', text: '👋' },
      ]);
      const user = await front.client.readResource({ uri: 'data://api/inner/user/2' });
      expect(JSON.parse(textOf(user.contents[0]))).toEqual(USERS[1]);
      expect(user.contents[0]?.uri).toBe('data://api/inner/user/2');
      const welcome = await front.client.getPrompt({
        name: 'api_inner_welcome',
        arguments: { name: 'Bo' },
      });
      expect(welcome.messages[0]?.content).toEqual({
        type: 'text',
        text: 'Welcome to the proxy, Bo!',
      });
      const sent = backend.requests.filter(
        (r) => r.method !== 'initialize' && !r.method.endsWith('/list'),
      );
      expect(sent.map((r) => [r.method, r.params?.name ?? r.params?.uri])).toEqual([
        ['tools/call', 'greet'],
        ['resources/read', 'resource://wave'],
        ['resources/read', 'data://user/2'],
        ['prompts/get', 'welcome'],
      ]);
    } finally {
      await front.close();
      await client.dispose();
    }
  });
});
