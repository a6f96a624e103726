import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  defaultForwardingHandlers,
  ProxyClient,
  routableCapabilities,
  StatefulProxyClient,
} from '@org/proxy-client';
import { createWorkspaceServer } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { connectFront } from './fixtures/front';
import { relayCall } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

describe("capabilities: 'routable'", () => {
  it('announces what the enabled handlers can forward, whichever client connects', async () => {
    expect(routableCapabilities(defaultForwardingHandlers)).toEqual({
      sampling: { tools: {} },
      elicitation: { form: {}, url: {} },
      roots: {},
    });
    expect(
      routableCapabilities({ ...defaultForwardingHandlers, sampling: null, roots: null }),
    ).toEqual({
      elicitation: { form: {}, url: {} },
    });
    const client = new ProxyClient(
      { server: { connect: (t) => createWorkspaceServer({ prefix: 'k' }).connect(t) } },
      { capabilities: 'routable', handlers: { roots: null } },
    );
    try {
      expect(client.announcedCapabilities()).toEqual({
        sampling: { tools: {} },
        elicitation: { form: {}, url: {} },
      });
      const who = await client.callTool('whoami');
      const text = (who.content as Array<{ text: string }>)[0]!.text;
      expect(JSON.parse(text).capabilities).toEqual({
        sampling: { tools: {} },
        elicitation: { form: {}, url: {} },
      });
    } finally {
      await client.dispose();
    }
  });
});

describe('ProxyClient.sendRootsListChanged', () => {
  it('never opens a backend session, and sends only when roots with listChanged were announced', async () => {
    const sessions: string[] = [];
    const target = {
      server: {
        connect: (t: Parameters<Client['connect']>[0]) =>
          createWorkspaceServer({ prefix: 'n', onSession: (l) => sessions.push(l) }).connect(t),
      },
    };
    const told = new ProxyClient(target, { capabilities: { roots: { listChanged: true } } });
    const untold = new ProxyClient(target, { capabilities: { roots: {} } });
    try {
      expect(await told.sendRootsListChanged()).toBe(false);
      expect(told.connected).toBe(false);
      expect(sessions).toEqual([]);
      await told.ping();
      await untold.ping();
      expect(await told.sendRootsListChanged()).toBe(true);
      expect(await untold.sendRootsListChanged()).toBe(false);
      const state = async (c: ProxyClient) =>
        JSON.parse(((await c.callTool('state')).content as Array<{ text: string }>)[0]!.text);
      expect((await state(told)).rootsChanged).toBe(1);
      expect((await state(untold)).rootsChanged).toBe(0);
    } finally {
      await told.dispose();
      await untold.dispose();
    }
  });
});

describe('SDK client internals the proxy client relies on', () => {
  it('exist under the expected names on a fresh SDK client', () => {
    // backendConnection.ts aborts the handling of a backend request cancelled with id 0 itself
    // (the SDK ignores that id); it reads this map.
    const sdk = new Client({ name: 'pin', version: '1' });
    const internals = sdk as unknown as Record<string, unknown>;
    expect(internals._requestHandlerAbortControllers).toBeInstanceOf(Map);
  });
});

describe('a request of the backend between client requests', () => {
  it('is checked against the capabilities of the client session it goes to', async () => {
    const backend = createBackend();
    // Announce sampling whatever the front: the check must then happen per request.
    const stateful = new StatefulProxyClient(
      { server: backend.server, name: 'bound' },
      { capabilities: 'routable' },
    );
    const relay = createRelay(() => stateful.newStateful());
    const plain = await connectFront(relay, { name: 'plain', capabilities: { roots: {} } });
    const sampler = await connectFront(relay, { name: 'sampler' });
    try {
      await relayCall(plain, 'get');
      await relayCall(sampler, 'get');
      const [plainSide, samplerSide] = backend.server.sessions;
      const sampling = {
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'hi' } }],
        maxTokens: 5,
      };
      const refused = await plainSide!.server.createMessage(sampling).then(
        () => undefined,
        (error: { code?: number; message?: string }) => error,
      );
      expect(refused?.code).toBe(-32600);
      expect(refused?.message).toBe(
        'MCP error -32600: Cannot forward sampling/createMessage from backend bound: client "plain" does not support sampling (it did not declare that capability)',
      );
      const answered = await samplerSide!.server.createMessage(sampling);
      expect(answered).toMatchObject({ model: 'sampler' });
      expect(plain.sampled).toEqual([]);
      expect(sampler.sampled).toHaveLength(1);
    } finally {
      await plain.close();
      await sampler.close();
      await relay.close();
      await stateful.dispose();
      await backend.server.close();
    }
  });
});
