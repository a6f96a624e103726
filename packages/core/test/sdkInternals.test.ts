import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { defineTool, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectFront, FRONT_CAPABILITIES } from './helpers';

// ProviderServer sets a few private fields of the SDK's low-level Server (see
// src/server/sessionHandlers.ts). These tests fail first when an SDK upgrade renames them.
describe('SDK server internals that ProviderServer relies on', () => {
  it('exist under the expected names on a fresh SDK server', () => {
    const sdk = new Server({ name: 'pin', version: '1' }, { capabilities: { tools: {} } });
    const internals = sdk as unknown as Record<string, unknown>;
    expect(internals._capabilities).toEqual({ tools: {} });
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
