import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { definePrompt, defineResource, defineTool, ProviderServer, ToolError } from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, rawSession } from './helpers';

const ICON = { src: 'https://example.com/add.png', mimeType: 'image/png', sizes: ['48x48'] };

/** Embedded resources: a text one with annotations and `_meta`, and a binary one. */
const EMBEDDED = [
  {
    type: 'resource' as const,
    resource: { uri: 'file:///notes.md', mimeType: 'text/markdown', text: '# Notes' },
    annotations: { audience: ['assistant' as const], priority: 0.2 },
    _meta: { 'example.com/origin': 'disk' },
  },
  {
    type: 'resource' as const,
    resource: { uri: 'file:///logo.png', mimeType: 'image/png', blob: 'AQID' },
  },
];

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
      icons: [ICON],
      annotations: { title: 'Adder', readOnlyHint: true, openWorldHint: false },
      handler: ({ a, b }) => ({ sum: a + b }),
    }),
    defineTool({ name: 'hello', handler: () => 'Hello!' }),
    defineTool({
      name: 'image',
      handler: () => [
        { type: 'image', data: Buffer.from([1, 2, 3]).toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///x', name: 'x' },
        ...EMBEDDED,
      ],
    }),
    defineTool({
      name: 'full',
      handler: () => ({
        content: [{ type: 'text', text: 'half done', _meta: { 'example.com/part': 1 } }],
        structuredContent: { done: 0.5 },
        isError: true,
        _meta: { 'example.com/trace': 't-1' },
      }),
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
    expect(tools.map((t) => t.name)).toEqual(['add', 'hello', 'image', 'full', 'fails', 'crashes']);
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
    expect(add.icons).toEqual([ICON]);
    expect(add.annotations).toEqual({ title: 'Adder', readOnlyHint: true, openWorldHint: false });
    expect(tools[1]).toEqual({
      name: 'hello',
      inputSchema: { type: 'object', properties: {} },
    });
  });

  it('calls a tool and returns structured content', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(result.structuredContent).toEqual({ sum: 3 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":3}' }]);
    expect(result.isError).toBeFalsy();
  });

  it('passes binary, link and embedded resource content through', async () => {
    await using c = await connectInMemory(demoServer());
    const result = await c.client.callTool({ name: 'image', arguments: {} });
    expect(result.content).toEqual([
      { type: 'image', data: 'AQID', mimeType: 'image/png' },
      { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      { type: 'resource_link', uri: 'file:///x', name: 'x' },
      ...EMBEDDED,
    ]);
  });

  it('returns a full CallToolResult from a handler as it is, _meta and isError included', async () => {
    await using c = await connectInMemory(demoServer());
    expect(await c.client.callTool({ name: 'full', arguments: {} })).toEqual({
      content: [{ type: 'text', text: 'half done', _meta: { 'example.com/part': 1 } }],
      structuredContent: { done: 0.5 },
      isError: true,
      _meta: { 'example.com/trace': 't-1' },
    });
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
      expect(reply.error).toEqual({
        code: -32601,
        message: 'Tool hello does not support task-augmented execution',
      });
    } finally {
      await raw.close();
    }
  });

  it('serves resources/read and prompts/get with a task as plain requests: only tools/call takes one', async () => {
    const server = demoServer().add(
      defineResource({ uri: 'data://a', read: () => 'A' }),
      definePrompt({ name: 'p', render: () => 'P' }),
    );
    const raw = await rawSession(server);
    try {
      const task = { ttl: 1000 };
      const read = await raw.request('resources/read', { uri: 'data://a', task });
      expect(read).toMatchObject({ result: { contents: [{ uri: 'data://a', text: 'A' }] } });
      const prompt = await raw.request('prompts/get', { name: 'p', task });
      expect(prompt.result?.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'P' } },
      ]);
    } finally {
      await raw.close();
    }
  });

  it('announces what it serves at initialize', async () => {
    await using c = await connectInMemory(demoServer({ instructions: 'Be nice', declare: {} }));
    expect(c.client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} });
    expect(c.client.getServerVersion()).toMatchObject({ name: 'demo' });
    expect(c.client.getInstructions()).toBe('Be nice');
  });
});
