import { ErrorCode, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { defineResource, defineResourceTemplate, LocalProvider, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, inbox, mcpError } from './helpers';

function subscriptionServer() {
  const server = new ProviderServer({ name: 'subs' });
  server.add(
    defineResource({ uri: 'data://a', read: () => 'a' }),
    defineResource({ uri: 'data://b', read: () => 'b' }),
    defineResourceTemplate({
      uriTemplate: 'data://items/{id}',
      name: 'item',
      read: ({ id }) => `item ${id}`,
    }),
  );
  return server;
}

describe('resource subscriptions', () => {
  it('announces subscribe support', async () => {
    await using c = await connectInMemory(subscriptionServer());
    expect(c.client.getServerCapabilities()?.resources).toEqual({
      listChanged: true,
      subscribe: true,
    });
  });

  it('sends resources/updated to the sessions subscribed to a URI, and only to them', async () => {
    const server = subscriptionServer();
    await using one = await connectInMemory(server, {}, 'one');
    await using two = await connectInMemory(server, {}, 'two');
    const oneUpdates = inbox(one.client, ResourceUpdatedNotificationSchema);
    const twoUpdates = inbox(two.client, ResourceUpdatedNotificationSchema);
    await one.client.subscribeResource({ uri: 'data://a' });
    await two.client.subscribeResource({ uri: 'data://b' });

    server.local.notifyResourceUpdated('data://a');
    server.local.notifyResourceUpdated('data://b');
    expect((await oneUpdates.next()).params).toEqual({ uri: 'data://a' });
    expect((await twoUpdates.next()).params).toEqual({ uri: 'data://b' });

    // Session two never subscribed to data://a: the first update it saw was its own.
    server.notifyResourceUpdated('data://b');
    expect((await twoUpdates.next()).params).toEqual({ uri: 'data://b' });
    expect(twoUpdates.received.map((n) => n.params.uri)).toEqual(['data://b', 'data://b']);
    expect(oneUpdates.received.map((n) => n.params.uri)).toEqual(['data://a']);
  });

  it('stops sending updates after unsubscribe', async () => {
    const server = subscriptionServer();
    await using c = await connectInMemory(server);
    const updates = inbox(c.client, ResourceUpdatedNotificationSchema);
    await c.client.subscribeResource({ uri: 'data://a' });
    await c.client.subscribeResource({ uri: 'data://b' });
    await c.client.unsubscribeResource({ uri: 'data://a' });
    server.local.notifyResourceUpdated('data://a');
    server.local.notifyResourceUpdated('data://b');
    expect((await updates.next()).params.uri).toBe('data://b');
    expect(updates.received).toHaveLength(1);
    expect(server.sessions[0]!.subscriptions).toEqual(new Set(['data://b']));
  });

  it('accepts subscriptions to URIs a template matches', async () => {
    const server = subscriptionServer();
    await using c = await connectInMemory(server);
    const updates = inbox(c.client, ResourceUpdatedNotificationSchema);
    await c.client.subscribeResource({ uri: 'data://items/7' });
    server.local.notifyResourceUpdated('data://items/7');
    expect((await updates.next()).params.uri).toBe('data://items/7');
  });

  it('refuses to subscribe to an unknown URI (-32002) and to unsubscribe from one never subscribed (-32602)', async () => {
    await using c = await connectInMemory(subscriptionServer());
    const unknown = await mcpError(c.client.subscribeResource({ uri: 'data://nothing/here' }));
    expect(unknown.code).toBe(-32002);
    expect(unknown.message).toContain('Resource not found: data://nothing/here');
    const never = await mcpError(c.client.unsubscribeResource({ uri: 'data://a' }));
    expect(never.code).toBe(ErrorCode.InvalidParams);
    expect(never.message).toContain('Not subscribed: data://a');
  });

  it('maps updates of a namespaced provider to the URIs its clients subscribed to', async () => {
    const server = new ProviderServer();
    const weather = new LocalProvider('weather');
    weather.add(defineResource({ uri: 'data://today', read: () => 'sunny' }));
    server.addProvider(weather, { namespace: 'wx' });
    await using c = await connectInMemory(server);
    const updates = inbox(c.client, ResourceUpdatedNotificationSchema);
    await c.client.subscribeResource({ uri: 'data://wx/today' });
    weather.notifyResourceUpdated('data://today');
    expect((await updates.next()).params.uri).toBe('data://wx/today');
  });
});
