import {
  defineResourceTemplate,
  defineTool,
  LocalProvider,
  type Provider,
  ProviderServer,
  transformProvider,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, recordingLogger } from './helpers';

function pingCounting(provider: LocalProvider, fail = false): Provider & { pings: number } {
  const counted = Object.assign(transformProvider(provider), { pings: 0 });
  counted.ping = async () => {
    counted.pings += 1;
    if (fail) throw new Error('no pong');
  };
  return counted;
}

describe('initialize', () => {
  it('announces only logging when it serves nothing', async () => {
    await using c = await connectInMemory(new ProviderServer());
    expect(c.client.getServerCapabilities()).toEqual({ logging: {} });
  });

  it('announces resources and completions for a server with templates only', async () => {
    const server = new ProviderServer().add(
      defineResourceTemplate({ uriTemplate: 'x://{a}', name: 'x', read: () => '' }),
    );
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()).toEqual({
      resources: { listChanged: true, subscribe: true },
      completions: {},
      logging: {},
    });
  });

  it('merges the capabilities option, sends the server’s identity and never announces tasks', async () => {
    const server = new ProviderServer({
      name: 'ident',
      version: '1.2.3',
      title: 'Identity',
      websiteUrl: 'https://example.com',
      capabilities: { logging: {}, experimental: { 'x-feature': {} } },
    });
    const tasky = new LocalProvider('tasky').add(defineTool({ name: 't', handler: () => '' }));
    tasky.capabilities = async () => ({ tools: { listChanged: false }, tasks: { list: {} } });
    server.addProvider(tasky);
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()).toEqual({
      tools: { listChanged: false },
      logging: {},
      experimental: { 'x-feature': {} },
    });
    expect(c.client.getServerVersion()).toEqual({
      name: 'ident',
      version: '1.2.3',
      title: 'Identity',
      websiteUrl: 'https://example.com',
    });
  });
});

describe('ping', () => {
  it('answers and passes the ping to providers that take it', async () => {
    const server = new ProviderServer();
    const counted = pingCounting(new LocalProvider('p'));
    server.addProvider(counted);
    await using c = await connectInMemory(server);
    expect(await c.client.ping()).toEqual({});
    expect(await c.client.ping()).toEqual({});
    expect(counted.pings).toBe(2);
  });

  it('still answers when a provider fails to ping under "warn", and logs it', async () => {
    const logger = recordingLogger();
    const server = new ProviderServer({ logger });
    server.addProvider(pingCounting(new LocalProvider('sleepy'), true));
    await using c = await connectInMemory(server);
    expect(await c.client.ping()).toEqual({});
    expect(logger.lines).toContain('warn: Provider sleepy failed to answer ping: no pong');
  });
});
