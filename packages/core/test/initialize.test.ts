import {
  definePrompt,
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

const EVERY_KIND = {
  tools: { listChanged: true },
  resources: { listChanged: true, subscribe: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
};

describe('initialize', () => {
  it('declares every kind for a purely local server, even an empty one', async () => {
    await using c = await connectInMemory(new ProviderServer());
    expect(c.client.getServerCapabilities()).toEqual(EVERY_KIND);
    const withTools = new ProviderServer().add(defineTool({ name: 't', handler: () => '' }));
    await using d = await connectInMemory(withTools);
    expect(d.client.getServerCapabilities()).toEqual(EVERY_KIND);
  });

  it('announces only logging when it serves nothing and declares nothing', async () => {
    await using c = await connectInMemory(new ProviderServer({ declare: {} }));
    expect(c.client.getServerCapabilities()).toEqual({ logging: {} });
  });

  it('announces what its providers serve plus the declared kinds', async () => {
    const server = new ProviderServer({ declare: { tools: true } }).add(
      definePrompt({ name: 'p', render: () => '' }),
    );
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()).toEqual({
      tools: { listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    });
    expect(server.declaredKinds).toEqual({ tools: true });
  });

  it('declares nothing by default once it serves another provider, so it invents no capability', async () => {
    const server = new ProviderServer();
    expect(server.declaredKinds).toEqual({ tools: true, resources: true, prompts: true });
    server.addProvider(
      new LocalProvider('tools').add(defineTool({ name: 't', handler: () => '' })),
    );
    expect(server.declaredKinds).toEqual({});
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()).toEqual({
      tools: { listChanged: true },
      logging: {},
    });
  });

  it('announces what a mounted server announces, its declared kinds included', async () => {
    const parent = new ProviderServer({ name: 'parent' });
    parent.mount(new ProviderServer({ name: 'empty-child' }), { namespace: 'kid' });
    await using c = await connectInMemory(parent);
    expect(c.client.getServerCapabilities()).toEqual(EVERY_KIND);

    const strict = new ProviderServer({ name: 'strict-parent' });
    const child = new ProviderServer({ declare: {} }).add(
      defineTool({ name: 't', handler: () => '' }),
    );
    strict.mount(child);
    await using d = await connectInMemory(strict);
    expect(d.client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} });
  });

  it('refuses a malformed declare option, naming it', () => {
    expect(() => new ProviderServer({ declare: { tool: true } as never })).toThrow(
      'The declare option takes tools, resources and prompts, each true or false; got tool: true',
    );
    expect(() => new ProviderServer({ declare: { tools: 'yes' } as never })).toThrow(
      /got tools: yes/,
    );
  });

  it('announces resources and completions for a server with templates only', async () => {
    const server = new ProviderServer({ declare: {} }).add(
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
