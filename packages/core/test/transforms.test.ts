import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  filter,
  LocalProvider,
  namespace,
  namespaceName,
  namespaceUri,
  ProviderServer,
  toolOverrides,
  transformProvider,
  unnamespaceName,
  unnamespaceUri,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, mcpError } from './helpers';

function weather() {
  return new LocalProvider('weather').add(
    defineTool({
      name: 'forecast',
      tags: ['public'],
      input: z.object({ city: z.string() }),
      handler: ({ city }) => `Sunny in ${city}`,
    }),
    defineTool({ name: 'admin_reset', tags: ['admin'], handler: () => 'reset' }),
    defineTool({ name: 'untagged', handler: () => 'plain' }),
    defineResource({ uri: 'data://today', tags: ['public'], read: () => 'today' }),
    defineResource({ uri: 'plain-name', read: () => 'no scheme' }),
    defineResourceTemplate({
      uriTemplate: 'data://cities/{city}{?units}',
      name: 'city',
      complete: { city: (value) => ['Lyon', 'Lima'].filter((c) => c.startsWith(value)) },
      read: ({ city, units }) => `${city} in ${units ?? 'C'}`,
    }),
    definePrompt({
      name: 'brief',
      args: z.object({ city: z.string() }),
      render: ({ city }) => `Brief ${city}`,
    }),
  );
}

function firstText(result: unknown): string {
  const r = result as { content?: Array<{ text: string }>; contents?: Array<{ text: string }> };
  return (r.content ?? r.contents)![0]!.text;
}

describe('namespace helpers', () => {
  it('round-trips names', () => {
    expect(namespaceName('wx', 'forecast')).toBe('wx_forecast');
    expect(unnamespaceName('wx', 'wx_forecast')).toBe('forecast');
    expect(unnamespaceName('wx', 'wx_a_b')).toBe('a_b');
    expect(unnamespaceName('wx', 'other_forecast')).toBeUndefined();
    expect(unnamespaceName('wx', 'wx_')).toBeUndefined();
    expect(unnamespaceName('wx', 'wxforecast')).toBeUndefined();
  });

  it('round-trips URIs and URI templates, and leaves URIs without scheme alone', () => {
    for (const uri of [
      'data://today',
      'file:///etc/hosts',
      'data://cities/{city}{?units}',
      'x://',
      'a+b.c-d://q?x=1#f',
    ]) {
      const exposed = namespaceUri('wx', uri);
      expect(exposed).not.toBe(uri);
      expect(unnamespaceUri('wx', exposed)).toBe(uri);
    }
    expect(namespaceUri('wx', 'data://today')).toBe('data://wx/today');
    expect(namespaceUri('wx', 'file:///etc/hosts')).toBe('file://wx//etc/hosts');
    expect(unnamespaceUri('wx', 'data://other/today')).toBeUndefined();
    expect(unnamespaceUri('wx', 'data://wxtoday')).toBeUndefined();
    for (const uri of ['plain-name', 'urn:isbn:123', 'mailto:a@b.c']) {
      expect(namespaceUri('wx', uri)).toBe(uri);
      expect(unnamespaceUri('wx', uri)).toBe(uri);
    }
  });

  it('refuses a namespace that would not make a valid tool name', () => {
    expect(() => namespace('bad name')).toThrow(
      'A namespace may hold only letters, digits, _ and -: bad name',
    );
    expect(() => namespace('a/b')).toThrow(TypeError);
  });
});

describe('a namespaced provider through a server', () => {
  it('lists every kind under the namespace and finds each back', async () => {
    const server = new ProviderServer();
    server.addProvider(weather(), { namespace: 'wx' });
    await using c = await connectInMemory(server);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual([
      'wx_forecast',
      'wx_admin_reset',
      'wx_untagged',
    ]);
    expect((await c.client.listResources()).resources.map((r) => r.uri)).toEqual([
      'data://wx/today',
      'plain-name',
    ]);
    expect(
      (await c.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate),
    ).toEqual(['data://wx/cities/{city}{?units}']);
    expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['wx_brief']);

    expect(
      firstText(await c.client.callTool({ name: 'wx_forecast', arguments: { city: 'Oslo' } })),
    ).toBe('Sunny in Oslo');
    expect(firstText(await c.client.readResource({ uri: 'data://wx/today' }))).toBe('today');
    expect(firstText(await c.client.readResource({ uri: 'plain-name' }))).toBe('no scheme');
    const city = await c.client.readResource({ uri: 'data://wx/cities/S%C3%A3o%20Paulo?units=F' });
    expect(city.contents).toEqual([
      { uri: 'data://wx/cities/S%C3%A3o%20Paulo?units=F', text: 'São Paulo in F' },
    ]);
    const brief = await c.client.getPrompt({ name: 'wx_brief', arguments: { city: 'Rome' } });
    expect(brief.messages[0]!.content).toEqual({ type: 'text', text: 'Brief Rome' });
    const completion = await c.client.complete({
      ref: { type: 'ref/resource', uri: 'data://wx/cities/{city}{?units}' },
      argument: { name: 'city', value: 'L' },
    });
    expect(completion.completion.values).toEqual(['Lyon', 'Lima']);
  });

  it('does not answer to the un-namespaced names', async () => {
    const server = new ProviderServer();
    server.addProvider(weather(), { namespace: 'wx' });
    await using c = await connectInMemory(server);
    const tool = await mcpError(c.client.callTool({ name: 'forecast', arguments: { city: 'x' } }));
    expect(tool.code).toBe(ErrorCode.InvalidParams);
    expect(tool.message).toContain('Unknown tool: forecast');
    expect((await mcpError(c.client.readResource({ uri: 'data://today' }))).code).toBe(-32002);
    expect((await mcpError(c.client.readResource({ uri: 'data://cities/Rome' }))).code).toBe(
      -32002,
    );
    expect(
      (await mcpError(c.client.getPrompt({ name: 'brief', arguments: { city: 'x' } }))).code,
    ).toBe(ErrorCode.InvalidParams);
  });

  it('serves two providers with the same names side by side under different namespaces', async () => {
    const server = new ProviderServer();
    server.addProvider(weather(), { namespace: 'a' });
    server.addProvider(weather(), { namespace: 'b' });
    await using c = await connectInMemory(server);
    const names = (await c.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['a_forecast', 'b_forecast']));
    expect(firstText(await c.client.readResource({ uri: 'data://b/today' }))).toBe('today');
  });
});

describe('filter', () => {
  it('keeps components with an included tag and drops excluded tags and names', async () => {
    const server = new ProviderServer();
    server.addProvider(weather(), { transforms: [filter({ includeTags: ['public'] })] });
    await using c = await connectInMemory(server);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['forecast']);
    expect((await c.client.listResources()).resources.map((r) => r.uri)).toEqual(['data://today']);
    expect((await c.client.listPrompts()).prompts).toEqual([]);
    // A hidden tool cannot be called either.
    expect((await mcpError(c.client.callTool({ name: 'admin_reset', arguments: {} }))).code).toBe(
      ErrorCode.InvalidParams,
    );
  });

  it('lets exclusion win over inclusion, by tag and by name', async () => {
    const provider = transformProvider(
      weather(),
      filter({
        includeNames: ['forecast', 'admin_reset', 'untagged'],
        excludeTags: ['admin'],
        excludeNames: ['untagged'],
      }),
    );
    expect((await provider.listTools()).map((t) => t.name)).toEqual(['forecast']);
    expect(await provider.getTool('admin_reset')).toBeUndefined();
    expect(await provider.getTool('untagged')).toBeUndefined();
    expect((await provider.getTool('forecast'))?.name).toBe('forecast');
  });
});

describe('toolOverrides', () => {
  it('renames, re-describes, re-tags and hides tools; a renamed tool is gone under its old name', async () => {
    const server = new ProviderServer();
    server.addProvider(weather(), {
      namespace: 'wx',
      transforms: [
        toolOverrides({
          forecast: {
            name: 'get_weather',
            title: 'Weather',
            description: 'Weather for a city',
            tags: ['x'],
          },
          admin_reset: { enabled: false },
        }),
      ],
    });
    await using c = await connectInMemory(server);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['wx_get_weather', 'wx_untagged']);
    expect(tools[0]).toMatchObject({ title: 'Weather', description: 'Weather for a city' });
    expect(tools[0]!._meta).toEqual({ fastmcp: { tags: ['x'] } });
    expect(
      firstText(await c.client.callTool({ name: 'wx_get_weather', arguments: { city: 'Nice' } })),
    ).toBe('Sunny in Nice');
    for (const name of ['wx_forecast', 'wx_admin_reset', 'get_weather']) {
      const error = await mcpError(c.client.callTool({ name, arguments: {} }));
      expect(error.message).toContain(`Unknown tool: ${name}`);
    }
  });

  it('keeps the tool class and its fields, and refuses two tools under one name', async () => {
    const provider = transformProvider(weather(), toolOverrides({ forecast: { tags: ['fresh'] } }));
    const tool = await provider.getTool('forecast');
    expect(tool?.tags).toEqual(['fresh']);
    expect(tool?.inputSchema).toMatchObject({ properties: { city: { type: 'string' } } });
    expect(() => toolOverrides({ a: { name: 'same' }, b: { name: 'same' } })).toThrow(
      'Tool overrides expose two tools as same: a and b',
    );
  });
});

describe('mounting a server', () => {
  it('serves another server’s components under a namespace, live', async () => {
    const child = new ProviderServer({ name: 'child' });
    child.addProvider(weather());
    const parent = new ProviderServer({ name: 'parent' });
    parent.add(defineTool({ name: 'own', handler: () => 'own' }));
    parent.mount(child, { namespace: 'kid' });
    await using c = await connectInMemory(parent);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual([
      'own',
      'kid_forecast',
      'kid_admin_reset',
      'kid_untagged',
    ]);
    expect(
      firstText(await c.client.callTool({ name: 'kid_forecast', arguments: { city: 'Bern' } })),
    ).toBe('Sunny in Bern');
    expect(firstText(await c.client.readResource({ uri: 'data://kid/cities/Bern' }))).toBe(
      'Bern in C',
    );
    child.add(defineTool({ name: 'late', handler: () => 'late' }));
    expect(firstText(await c.client.callTool({ name: 'kid_late', arguments: {} }))).toBe('late');
  });

  it('nests namespaces when a mounted server mounts another', async () => {
    const leaf = new ProviderServer().add(
      defineTool({ name: 'leaf', handler: () => 'leaf' }),
      defineResource({ uri: 'r://x', read: () => 'x' }),
    );
    const middle = new ProviderServer();
    middle.mount(leaf, { namespace: 'l' });
    const top = new ProviderServer();
    top.mount(middle, { namespace: 'm' });
    await using c = await connectInMemory(top);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['m_l_leaf']);
    expect(firstText(await c.client.callTool({ name: 'm_l_leaf', arguments: {} }))).toBe('leaf');
    expect((await c.client.listResources()).resources.map((r) => r.uri)).toEqual(['r://m/l/x']);
    expect(firstText(await c.client.readResource({ uri: 'r://m/l/x' }))).toBe('x');
  });
});
