import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { defineTool, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectFront, FRONT_CAPABILITIES } from './helpers';

// ProviderServer sets a few private fields of the SDK's low-level Server (see
// src/server/sessionHandlers.ts). These tests fail first when an SDK upgrade renames them.
describe('SDK server internals that ProviderServer relies on', () => {
  it('exist under the expected names on a fresh SDK server', () => {
    const sdk = new Server(
      { name: 'pin', version: '1' },
      { capabilities: { tools: {} }, instructions: 'pinned' },
    );
    const internals = sdk as unknown as Record<string, unknown>;
    expect(internals._capabilities).toEqual({ tools: {} });
    expect(internals._instructions).toBe('pinned');
    expect(typeof internals._oninitialize).toBe('function');
    expect(internals._requestMessageId).toBe(0);
    expect(internals._clientCapabilities).toBeUndefined();
    expect(internals._clientVersion).toBeUndefined();
  });

  it('are set by a ProviderServer session', async () => {
    const server = new ProviderServer().add(defineTool({ name: 't', handler: () => 't' }));
    await using c = await connectFront(server);
    const sdk = server.sessions[0]!.server;
    const internals = sdk as unknown as Record<string, unknown>;
    expect(internals._clientCapabilities).toMatchObject(FRONT_CAPABILITIES);
    expect(sdk.getClientVersion()).toMatchObject({ name: 'front' });
    expect(internals._capabilities).toEqual(c.client.getServerCapabilities());
    // Server-to-client request ids start at 1: an SDK 1.x client cannot cancel id 0.
    expect(internals._requestMessageId).toBe(1);
  });
});

// Only tools/call is task-augmentable in MCP 2025-11-25: the SDK's request schemas of
// resources/read and prompts/get drop a `task`, so a handler never sees one there (and
// ProviderServer refuses tasks on tools/call only).
describe('SDK request schemas and the task field', () => {
  it('keep it on tools/call and drop it from resources/read and prompts/get', () => {
    const task = { ttl: 1000 };
    const call = CallToolRequestSchema.parse({
      method: 'tools/call',
      params: { name: 't', task },
    });
    expect(call.params.task).toEqual(task);
    const read = ReadResourceRequestSchema.parse({
      method: 'resources/read',
      params: { uri: 'x://a', task },
    });
    expect(read.params).toEqual({ uri: 'x://a' });
    const prompt = GetPromptRequestSchema.parse({
      method: 'prompts/get',
      params: { name: 'p', task },
    });
    expect(prompt.params).toEqual({ name: 'p' });
  });
});
