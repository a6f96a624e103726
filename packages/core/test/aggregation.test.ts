import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  AggregateProvider,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  LocalProvider,
  ProviderServer,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, failingProvider, mcpError, recordingLogger } from './helpers';

function remote(name: string) {
  return new LocalProvider(name).add(
    defineTool({ name: 'shared', description: `from ${name}`, handler: () => `${name} shared` }),
    defineTool({ name: `${name}_only`, handler: () => `${name} only` }),
    defineResource({ uri: 'data://shared', read: () => `${name} resource` }),
    defineResourceTemplate({
      uriTemplate: 'data://{id}',
      name: `${name}-tpl`,
      read: ({ id }) => `${name} ${id}`,
    }),
    definePrompt({ name: 'shared', render: () => `${name} prompt` }),
  );
}

async function text(promise: Promise<unknown>): Promise<string> {
  const result = (await promise) as Record<string, Array<Record<string, any>>>;
  const item = (result.content ?? result.contents ?? result.messages)![0]!;
  return item.text ?? item.content.text;
}

describe('aggregation of providers', () => {
  it('lets the first provider win: a local component overrides another provider’s', async () => {
    const server = new ProviderServer();
    server.addProvider(remote('alpha'));
    server.addProvider(remote('beta'));
    server.add(
      defineTool({ name: 'shared', description: 'local', handler: () => 'local shared' }),
      defineResource({ uri: 'data://shared', read: () => 'local resource' }),
      definePrompt({ name: 'shared', render: () => 'local prompt' }),
    );
    await using c = await connectInMemory(server);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => [t.name, t.description])).toEqual([
      ['shared', 'local'],
      ['alpha_only', undefined],
      ['beta_only', undefined],
    ]);
    expect(await text(c.client.callTool({ name: 'shared', arguments: {} }))).toBe('local shared');
    expect(await text(c.client.callTool({ name: 'beta_only', arguments: {} }))).toBe('beta only');
    expect(await text(c.client.readResource({ uri: 'data://shared' }))).toBe('local resource');
    expect(await text(c.client.getPrompt({ name: 'shared' }))).toBe('local prompt');
    // No local template: alpha's comes before beta's.
    expect(await text(c.client.readResource({ uri: 'data://x' }))).toBe('alpha x');
    expect((await c.client.listResourceTemplates()).resourceTemplates.map((t) => t.name)).toEqual([
      'alpha-tpl',
    ]);
  });

  it('announces the union of what its providers serve', async () => {
    const server = new ProviderServer();
    server.addProvider(
      new LocalProvider('tools').add(defineTool({ name: 't', handler: () => '' })),
    );
    server.addProvider(
      new LocalProvider('prompts').add(definePrompt({ name: 'p', render: () => '' })),
    );
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()).toEqual({
      tools: { listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    });
  });

  it('can remove a provider', async () => {
    const aggregate = new AggregateProvider({ name: 'agg' });
    const alpha = remote('alpha');
    aggregate.add(alpha);
    aggregate.add(remote('beta'));
    expect(aggregate.remove(alpha)).toBe(true);
    expect(aggregate.remove(alpha)).toBe(false);
    expect((await aggregate.getTool('shared'))?.description).toBe('from beta');
  });
});

describe('a failing provider', () => {
  function serverWith(strategy: 'warn' | 'raise', logger = recordingLogger()) {
    const server = new ProviderServer({ onProviderError: strategy, logger });
    server.add(defineTool({ name: 'hello', handler: () => 'hi' }));
    server.add(defineResource({ uri: 'data://ok', read: () => 'ok' }));
    server.addProvider(failingProvider('broken'));
    return server;
  }

  it('is logged and treated as empty with "warn"', async () => {
    const logger = recordingLogger();
    await using c = await connectInMemory(serverWith('warn', logger));
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['hello']);
    expect((await c.client.listResources()).resources.map((r) => r.uri)).toEqual(['data://ok']);
    expect((await c.client.listPrompts()).prompts).toEqual([]);
    expect(await text(c.client.callTool({ name: 'hello', arguments: {} }))).toBe('hi');

    const unknownTool = await mcpError(c.client.callTool({ name: 'elsewhere', arguments: {} }));
    expect(unknownTool.code).toBe(ErrorCode.InvalidParams);
    expect(unknownTool.message).toContain('Unknown tool: elsewhere');
    const unknownResource = await mcpError(c.client.readResource({ uri: 'data://elsewhere' }));
    expect(unknownResource.code).toBe(-32002);
    expect(unknownResource.message).toContain('Resource not found: data://elsewhere');
    const unknownPrompt = await mcpError(c.client.getPrompt({ name: 'elsewhere' }));
    expect(unknownPrompt.message).toContain('Unknown prompt: elsewhere');

    expect(logger.lines).toContain('warn: Provider broken failed to list tools: backend down');
    expect(logger.lines).toContain(
      'warn: Provider broken failed to find tool elsewhere: backend down',
    );
    expect(
      logger.lines.some((l) =>
        l.startsWith('warn: Provider broken failed to describe its capabilities'),
      ),
    ).toBe(true);
  });

  it('passes its error to the client with "raise"', async () => {
    const server = serverWith('raise');
    // Under "raise" even initialize fails while a provider cannot say what it serves.
    await expect(connectInMemory(server)).rejects.toThrow(/backend down/);

    const described = failingProvider('broken');
    described.capabilities = async () => ({ tools: { listChanged: false } });
    const served = new ProviderServer({ onProviderError: 'raise' });
    served.add(defineTool({ name: 'hello', handler: () => 'hi' }));
    served.addProvider(described);
    await using c = await connectInMemory(served);

    const list = await mcpError(c.client.listTools());
    expect(list.code).toBe(ErrorCode.InternalError);
    expect(list.message).toContain('Error listing tools: backend down');
    // The local provider answers first, so its tool still works.
    expect(await text(c.client.callTool({ name: 'hello', arguments: {} }))).toBe('hi');
    const call = await c.client.callTool({ name: 'elsewhere', arguments: {} });
    expect(call).toEqual({
      content: [{ type: 'text', text: 'Error calling tool elsewhere: backend down' }],
      isError: true,
    });
    const read = await mcpError(c.client.readResource({ uri: 'data://elsewhere' }));
    expect(read.code).toBe(ErrorCode.InternalError);
    expect(read.message).toContain('backend down');
  });

  it('has its details masked with "raise" and maskErrorDetails', async () => {
    const described = failingProvider('broken', 'password=hunter2');
    described.capabilities = async () => ({ tools: { listChanged: false } });
    const server = new ProviderServer({ onProviderError: 'raise', maskErrorDetails: true });
    server.addProvider(described);
    await using c = await connectInMemory(server);
    const list = await mcpError(c.client.listTools());
    expect(list.message).toContain('Error listing tools');
    expect(list.message).not.toContain('hunter2');
    const call = await c.client.callTool({ name: 'x', arguments: {} });
    expect(call).toEqual({
      content: [{ type: 'text', text: 'Error calling tool x' }],
      isError: true,
    });
  });
});
