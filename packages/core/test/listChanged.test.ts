import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { definePrompt, defineResource, defineTool, LocalProvider, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, inbox, type TestClient } from './helpers';

function fullServer() {
  return new ProviderServer({ name: 'changing' }).add(
    defineTool({ name: 'first', handler: () => '1' }),
    defineResource({ uri: 'data://first', read: () => '1' }),
    definePrompt({ name: 'first', render: () => '1' }),
  );
}

async function connectMany(server: ProviderServer, count: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await connectInMemory(server, {}, `client-${i}`));
  return clients;
}

async function closeAll(clients: TestClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

describe('list_changed notifications', () => {
  it('tells every connected session when local tools, resources or prompts change', async () => {
    const server = fullServer();
    const clients = await connectMany(server, 3);
    try {
      const tools = clients.map((c) => inbox(c.client, ToolListChangedNotificationSchema));
      const resources = clients.map((c) => inbox(c.client, ResourceListChangedNotificationSchema));
      const prompts = clients.map((c) => inbox(c.client, PromptListChangedNotificationSchema));

      server.add(defineTool({ name: 'second', handler: () => '2' }));
      await Promise.all(tools.map((t) => t.next()));
      for (const c of clients)
        expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['first', 'second']);

      expect(server.local.remove('resource', 'data://first')).toBe(true);
      await Promise.all(resources.map((r) => r.next()));
      server.add(definePrompt({ name: 'second', render: () => '2' }));
      await Promise.all(prompts.map((p) => p.next()));
      expect(tools.map((t) => t.received.length)).toEqual([1, 1, 1]);
    } finally {
      await closeAll(clients);
    }
  });

  it('relays changes of an added provider, namespaced or not, and of a mounted server', async () => {
    const server = fullServer();
    const extra = new LocalProvider('extra');
    server.addProvider(extra, { namespace: 'x' });
    const child = new ProviderServer({ name: 'child' });
    server.mount(child, { namespace: 'child' });
    await using c = await connectInMemory(server);
    const tools = inbox(c.client, ToolListChangedNotificationSchema);

    extra.add(defineTool({ name: 'more', handler: () => 'more' }));
    await tools.next();
    child.add(defineTool({ name: 'deep', handler: () => 'deep' }));
    await tools.next();
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual([
      'first',
      'x_more',
      'child_deep',
    ]);
  });

  it('reaches a session that connected while the server served nothing of that kind', async () => {
    const server = new ProviderServer({ name: 'empty' });
    await using c = await connectInMemory(server);
    const tools = inbox(c.client, ToolListChangedNotificationSchema);
    const resources = inbox(c.client, ResourceListChangedNotificationSchema);
    const prompts = inbox(c.client, PromptListChangedNotificationSchema);
    server.add(defineTool({ name: 'first', handler: () => '1' }));
    await tools.next();
    server.add(defineResource({ uri: 'data://first', read: () => '1' }));
    await resources.next();
    server.add(definePrompt({ name: 'first', render: () => '1' }));
    await prompts.next();
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['first']);
  });

  it('reaches it through a mounted server that was empty when the session connected', async () => {
    const parent = new ProviderServer({ name: 'parent' }).add(
      defineTool({ name: 'own', handler: () => 'own' }),
    );
    const child = new ProviderServer({ name: 'child' });
    parent.mount(child, { namespace: 'kid' });
    await using c = await connectInMemory(parent);
    const prompts = inbox(c.client, PromptListChangedNotificationSchema);
    child.add(definePrompt({ name: 'late', render: () => 'late' }));
    await prompts.next();
    expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['kid_late']);
  });

  it('reaches it for a kind declared up front by a server that also serves other providers', async () => {
    const server = new ProviderServer({ name: 'declared', declare: { prompts: true } });
    server.addProvider(
      new LocalProvider('tools').add(defineTool({ name: 't', handler: () => '' })),
    );
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()?.resources).toBeUndefined();
    const prompts = inbox(c.client, PromptListChangedNotificationSchema);
    server.add(definePrompt({ name: 'p', render: () => 'p' }));
    await prompts.next();
  });

  it('keeps notifying the remaining sessions after one closes', async () => {
    const server = fullServer();
    const clients = await connectMany(server, 3);
    try {
      await clients[1]!.close();
      expect(server.sessions).toHaveLength(2);
      const remaining = [clients[0]!, clients[2]!].map((c) =>
        inbox(c.client, ToolListChangedNotificationSchema),
      );
      server.add(defineTool({ name: 'late', handler: () => 'late' }));
      await Promise.all(remaining.map((t) => t.next()));
    } finally {
      await closeAll(clients);
    }
  });
});
