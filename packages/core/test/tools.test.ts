import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { defineTool, ProviderServer, ToolError } from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, rawSession } from './helpers';

function demoServer(options: ConstructorParameters<typeof ProviderServer>[0] = {}) {
  const server = new ProviderServer({ name: 'demo', ...options });
  server.add(
    defineTool({
      name: 'add',
      title: 'Add',
      description: 'Adds two numbers',
      input: z.object({ a: z.number(), b: z.number().describe('the second') }),
      output: z.object({ sum: z.number() }),
      tags: ['math'],
      handler: ({ a, b }) => ({ sum: a + b }),
    }),
    defineTool({ name: 'hello', handler: () => 'Hello!' }),
    defineTool({
      name: 'image',
      handler: () => [
        { type: 'image', data: Buffer.from([1, 2, 3]).toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///x', name: 'x' },
      ],
    }),
    defineTool({
      name: 'fails',
      handler: () => {
        throw new ToolError('The thing failed');
      },
    }),
    defineTool({
      name: 'crashes',
      handler: () => {
        throw new Error('secret internal detail');
      },
    }),
  );
  return server;
}

describe('tools through a ProviderServer', () => {
  it('lists tools with their schemas, title, tags and annotations', async () => {
    await using c = await connectInMemory(demoServer());
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add', 'hello', 'image', 'fails', 'crashes']);
    const add = tools[0]!;
    expect(add.title).toBe('Add');
    expect(add.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number', description: 'the second' } },
      required: ['a', 'b'],
    });
    expect(add.outputSchema).toMatchObject({
      type: 'object',
      properties: { sum: { type: 'number' } },
    });
    expect(add._meta).toEqual({ fastmcp: { tags: ['math'] } });
  });

  it('calls a tool and returns structured content', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(result.structuredContent).toEqual({ sum: 3 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":3}' }]);
    expect(result.isError).toBeFalsy();
  });

  it('passes binary and link content through', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool({ name: 'image', arguments: {} });
    expect(result.content).toEqual([
      { type: 'image', data: 'AQID', mimeType: 'image/png' },
      { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      { type: 'resource_link', uri: 'file:///x', name: 'x' },
    ]);
  });

  it('answers an unknown tool with JSON-RPC error -32602 naming it', async () => {
    await using c = await connectInMemory(demoServer());
    const error = await c.client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toContain('Unknown tool: nope');
  });

  it('reports invalid arguments as an isError result naming the argument', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool(
      { name: 'add', arguments: { a: 1, b: 'two' } },
      CallToolResultSchema,
    );
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(/^Invalid arguments for tool add: b: expected number/),
      },
    ]);
  });

  it('turns a ToolError into an isError result with its message', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool({ name: 'fails', arguments: {} });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'The thing failed' }],
      isError: true,
    });
  });

  it('shows or masks the details of other failures per option', async () => {
    await using open = await connectInMemory(demoServer());
    const shown = await open.client.callTool({ name: 'crashes', arguments: {} });
    expect(shown.content).toEqual([
      { type: 'text', text: 'Error calling tool crashes: secret internal detail' },
    ]);
    await using masked = await connectInMemory(demoServer({ maskErrorDetails: true }));
    const hidden = await masked.client.callTool({ name: 'crashes', arguments: {} });
    expect(hidden).toEqual({
      content: [{ type: 'text', text: 'Error calling tool crashes' }],
      isError: true,
    });
  });

  it('refuses task-augmented execution clearly', async () => {
    const raw = await rawSession(demoServer());
    try {
      const reply = await raw.request('tools/call', {
        name: 'hello',
        arguments: {},
        task: { ttl: 1000 },
      });
      expect(reply.result).toBeUndefined();
      expect(reply.error?.message).toMatch(/does not support task/);
    } finally {
      await raw.close();
    }
  });

  it('announces what it serves at initialize', async () => {
    await using c = await connectInMemory(demoServer({ instructions: 'Be nice' }));
    expect(c.client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} });
    expect(c.client.getServerVersion()).toMatchObject({ name: 'demo' });
    expect(c.client.getInstructions()).toBe('Be nice');
  });
});
