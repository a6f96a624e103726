import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  LocalProvider,
  LocalTool,
  ProviderServer,
  Tool,
  type ToolDefinition,
  type ToolResult,
  tagsFromMeta,
  toolOverrides,
  transformProvider,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory } from './helpers';

/** A subclass with an extra field and an identity that survives renames, as a proxy tool has. */
class RemoteTool extends LocalTool {
  readonly backendName: string;
  readonly region: string;

  constructor(definition: ToolDefinition, region: string) {
    super(definition);
    this.backendName = definition.name;
    this.region = region;
  }

  protected override copied(original: this): void {
    Object.assign(this, { backendName: original.backendName });
  }
}

describe('immutable components', () => {
  it('renames a tool into a copy of the same class, leaving the original alone', async () => {
    const tool = defineTool({
      name: 'add',
      description: 'Adds',
      tags: ['math'],
      input: z.object({ a: z.number(), b: z.number() }),
      handler: ({ a, b }) => `${a + b}`,
    });
    const renamed = tool.withName('plus');
    expect(renamed).not.toBe(tool);
    expect(renamed).toBeInstanceOf(LocalTool);
    expect(tool.name).toBe('add');
    expect(renamed.name).toBe('plus');
    expect(renamed.key).toBe('plus');
    expect(renamed.description).toBe('Adds');
    expect(renamed.tags).toEqual(['math']);
    expect(renamed.inputSchema).toBe(tool.inputSchema);
    expect(await renamed.run({ a: 1, b: 2 })).toEqual({ content: [{ type: 'text', text: '3' }] });
    expect(renamed.toWire()).toEqual({ ...tool.toWire(), name: 'plus' });
    // @ts-expect-error fields are readonly
    tool.name = 'changed';
  });

  it('carries a subclass’s extra fields and original identity through any number of renames', () => {
    const tool = new RemoteTool({ name: 'get_forecast', handler: () => 'sunny' }, 'eu');
    const twice = tool.withName('weather_get_forecast').withName('gw_weather_get_forecast');
    expect(twice).toBeInstanceOf(RemoteTool);
    expect(twice.name).toBe('gw_weather_get_forecast');
    expect(twice.backendName).toBe('get_forecast');
    expect(twice.region).toBe('eu');
    expect(tool.name).toBe('get_forecast');
  });

  it('copies with new tags, deduplicated and frozen', () => {
    const tool = defineTool({ name: 't', tags: ['a'], handler: () => '' });
    const copy = tool.copy({ tags: ['b', 'b', 'c'] });
    expect(copy.tags).toEqual(['b', 'c']);
    expect(Object.isFrozen(copy.tags)).toBe(true);
    expect(tool.tags).toEqual(['a']);
    expect(copy.hasAnyTag(['c', 'z'])).toBe(true);
    expect(copy.hasAnyTag(['a'])).toBe(false);
  });

  it('renames resources, prompts and templates; a copied template matches its new URI template', async () => {
    const resource = defineResource({ uri: 'data://a', read: () => 'a' });
    const moved = resource.withUri('data://ns/a');
    expect([resource.uri, moved.uri]).toEqual(['data://a', 'data://ns/a']);
    // Contents name the URI the client asked for.
    expect(await moved.read()).toEqual({ contents: [{ uri: 'data://ns/a', text: 'a' }] });

    const prompt = definePrompt({ name: 'p', render: () => 'hi' });
    expect(prompt.withName('ns_p').toWire()).toEqual({ name: 'ns_p' });

    const template = defineResourceTemplate({
      uriTemplate: 'data://{id}',
      name: 'item',
      read: ({ id }) => id ?? '',
    });
    for (const copy of [
      template.withUriTemplate('data://ns/{id}'),
      template.copy({ uriTemplate: 'data://ns/{id}' }),
    ]) {
      expect(copy.uriTemplate).toBe('data://ns/{id}');
      expect(copy.matches('data://ns/7')).toEqual({ id: '7' });
      expect(copy.matches('data://7')).toBeUndefined();
    }
    expect(template.matches('data://7')).toEqual({ id: '7' });
  });

  it('reads tags from _meta, the legacy key included', () => {
    expect(tagsFromMeta({ fastmcp: { tags: ['x', 1] } })).toEqual(['x']);
    expect(tagsFromMeta({ _fastmcp: { tags: ['y'] } })).toEqual(['y']);
    expect(tagsFromMeta(undefined)).toEqual([]);
    const tool = defineTool({ name: 't', meta: { other: 1 }, tags: ['b', 'a'], handler: () => '' });
    expect(tool.meta).toEqual({ other: 1, fastmcp: { tags: ['a', 'b'] } });
  });
});

/** A tool described by a wire `_meta`, as a proxied tool is. */
class WireTool extends Tool {
  async run(): Promise<ToolResult> {
    return { content: [] };
  }
}

describe('tags on the wire', () => {
  it('puts the current tags in the wire _meta of every kind after a copy with new tags', () => {
    const components = [
      defineTool({ name: 't', tags: ['old'], meta: { keep: 1 }, handler: () => '' }),
      defineResource({ uri: 'r://x', tags: ['old'], meta: { keep: 1 }, read: () => '' }),
      defineResourceTemplate({
        uriTemplate: 'r://{id}',
        name: 'tpl',
        tags: ['old'],
        meta: { keep: 1 },
        read: () => '',
      }),
      definePrompt({ name: 'p', tags: ['old'], meta: { keep: 1 }, render: () => '' }),
    ];
    for (const component of components) {
      expect(component.toWire()._meta).toEqual({ keep: 1, fastmcp: { tags: ['old'] } });
      const retagged = component.copy({ tags: ['new', 'also'] });
      expect(retagged.tags).toEqual(['new', 'also']);
      expect(retagged.toWire()._meta).toEqual({ keep: 1, fastmcp: { tags: ['also', 'new'] } });
      expect(component.copy({ tags: [] }).toWire()._meta).toEqual({ keep: 1 });
      // The original is left alone.
      expect(component.toWire()._meta).toEqual({ keep: 1, fastmcp: { tags: ['old'] } });
    }
  });

  it('passes a _meta that already holds the tags through untouched, and rewrites both keys when not', () => {
    const meta = { 'example.com/x': 1, fastmcp: { tags: ['b', 'a'], other: true } };
    const tool = new WireTool({ name: 'remote', meta });
    expect(tool.tags).toEqual(['b', 'a']);
    expect(tool.toWire()._meta).toBe(meta);
    expect(tool.copy({ tags: ['c'] }).toWire()._meta).toEqual({
      'example.com/x': 1,
      fastmcp: { tags: ['c'], other: true },
    });

    const legacy = new WireTool({ name: 'old', meta: { _fastmcp: { tags: ['x'] } } });
    expect(legacy.copy({ tags: ['y'] }).toWire()._meta).toEqual({
      _fastmcp: { tags: ['y'] },
      fastmcp: { tags: ['y'] },
    });
    expect(legacy.copy({ tags: [] }).toWire()).not.toHaveProperty('_meta');
    expect(new WireTool({ name: 'bare' }).toWire()).not.toHaveProperty('_meta');
    expect(new WireTool({ name: 'tagged', tags: ['z'] }).toWire()._meta).toEqual({
      fastmcp: { tags: ['z'] },
    });
  });

  it('lists a tool re-tagged by toolOverrides with its new tags in _meta', async () => {
    const source = new ProviderServer({ name: 'tagged' });
    const provider = new LocalProvider('inner').add(
      defineTool({ name: 'a', tags: ['internal'], handler: () => '' }),
      defineTool({ name: 'b', tags: ['internal'], handler: () => '' }),
    );
    source.addProvider(
      transformProvider(provider, toolOverrides({ a: { tags: ['public'] }, b: { tags: [] } })),
    );
    await using c = await connectInMemory(source);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => [t.name, t._meta])).toEqual([
      ['a', { fastmcp: { tags: ['public'] } }],
      ['b', undefined],
    ]);
  });
});

describe('local components validate with their zod schemas', () => {
  function validatingServer() {
    return new ProviderServer().add(
      defineTool({
        name: 'ship',
        input: z.object({
          address: z.object({ city: z.string(), zip: z.string().regex(/^\d{5}$/) }),
          count: z.number().int().positive(),
        }),
        output: z.object({ ok: z.boolean() }),
        handler: ({ count }) => ({ ok: count > 0 }),
      }),
      defineTool({
        name: 'liar',
        output: z.object({ ok: z.boolean() }),
        handler: () => ({ ok: 'yes' }) as unknown as { ok: boolean },
      }),
    );
  }

  it('accepts valid arguments', async () => {
    await using c = await connectInMemory(validatingServer());
    const result = await c.client.callTool({
      name: 'ship',
      arguments: { address: { city: 'Lyon', zip: '69001' }, count: 2 },
    });
    expect(result.structuredContent).toEqual({ ok: true });
  });

  it('names every wrong argument by its path', async () => {
    await using c = await connectInMemory(validatingServer());
    const result = await c.client.callTool({
      name: 'ship',
      arguments: { address: { city: 3, zip: 'x' }, count: -1 },
    });
    expect(result.isError).toBe(true);
    const text = (result.content as Array<{ text: string }>)[0]!.text;
    expect(text).toMatch(/^Invalid arguments for tool ship: /);
    expect(text).toContain('address.city: expected string');
    expect(text).toContain('address.zip:');
    expect(text).toContain('count:');
    const missing = await c.client.callTool({ name: 'ship', arguments: {} });
    expect((missing.content as Array<{ text: string }>)[0]!.text).toMatch(
      /address: expected object.*; count: expected number/,
    );
  });

  it('reports a result that breaks the output schema as a tool failure', async () => {
    await using c = await connectInMemory(validatingServer());
    const result = await c.client.callTool({ name: 'liar', arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^Error calling tool liar: Tool liar returned a result that does not match its output schema: ok: expected boolean/,
    );
  });
});
