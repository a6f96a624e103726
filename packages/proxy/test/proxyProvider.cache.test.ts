import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createProxy, defineTool, ProxyClient, ProxyProvider } from '@org/proxy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { frontInMemory } from './fixtures/fronts';

const clients: ProxyClient[] = [];

function providerOf(backend: CountingBackend, cacheTtlMs?: number): ProxyProvider {
  const client = new ProxyClient(backend);
  clients.push(client);
  return new ProxyProvider(() => client, cacheTtlMs === undefined ? {} : { cacheTtlMs });
}

/** Moves the monotonic clock the cache reads forward by `ms` from now on. */
function advanceClock(ms: number): void {
  const real = performance.now.bind(performance);
  vi.spyOn(performance, 'now').mockImplementation(() => real() + ms);
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

describe('ProxyProvider list cache', () => {
  it('keeps lists 300 s by default', () => {
    const backend = new CountingBackend(demoBackend());
    expect(providerOf(backend).cacheTtlMs).toBe(300_000);
    const proxy = createProxy(backend);
    expect(proxy.proxyProviders[0]?.cacheTtlMs).toBe(300_000);
    expect(backend.opened).toBe(0);
  });

  it('resolves lookups of every kind from a listed cache, without listing again', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    await provider.listTools();
    await provider.listResources();
    await provider.listResourceTemplates();
    await provider.listPrompts();
    backend.reset();
    expect((await provider.getTool('greet'))?.name).toBe('greet');
    expect((await provider.getResource('resource://wave'))?.uri).toBe('resource://wave');
    expect((await provider.getResourceTemplate('data://user/1'))?.name).toBe('get_user');
    expect((await provider.getPrompt('welcome'))?.name).toBe('welcome');
    expect(backend.methods()).toEqual([]);
  });

  it('treats a fresh cache as authoritative for misses', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    await provider.listResources();
    await provider.listTools();
    backend.reset();
    expect(await provider.getResource('config://app')).toBeUndefined();
    expect(await provider.getTool('nope')).toBeUndefined();
    expect(backend.methods()).toEqual([]);
  });

  it('fills a cold cache with one backend list', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    expect(await provider.getPrompt('welcome')).toBeDefined();
    expect(await provider.getPrompt('image_prompt')).toBeDefined();
    expect(backend.count('prompts/list')).toBe(1);
    expect(backend.count()).toBe(1);
  });

  it('refreshes on every explicit list and sees what the backend added', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const provider = providerOf(backend);
    await provider.listTools();
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    const names = (await provider.listTools()).map((tool) => tool.name);
    expect(names).toContain('late');
    expect(backend.count('tools/list')).toBe(2);
  });

  it('lists again once the TTL has passed', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend, 1000);
    await provider.listTools();
    await provider.getTool('greet');
    expect(backend.count('tools/list')).toBe(1);
    advanceClock(1001);
    await provider.getTool('greet');
    expect(backend.count('tools/list')).toBe(2);
  });

  it('lists the backend for every lookup when the TTL is 0', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend, 0);
    await provider.getTool('greet');
    await provider.getTool('greet');
    await provider.getResource('resource://wave');
    expect(backend.count('tools/list')).toBe(2);
    expect(backend.count('resources/list')).toBe(1);
  });

  it('shares one backend request between concurrent cold lookups and lists', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    const found = await Promise.all([
      provider.getTool('greet'),
      provider.getTool('add'),
      provider.getTool('nope'),
      provider.listTools(),
      provider.getTool('error_tool'),
    ]);
    expect(found.slice(0, 3).map((tool) => (tool as { name?: string } | undefined)?.name)).toEqual([
      'greet',
      'add',
      undefined,
    ]);
    expect(backend.count('tools/list')).toBe(1);
    await Promise.all([provider.getPrompt('welcome'), provider.getPrompt('image_prompt')]);
    expect(backend.count('prompts/list')).toBe(1);
  });

  it('getTasks() is empty and never touches the backend', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    expect(provider.getTasks()).toEqual([]);
    expect(backend.opened).toBe(0);
  });

  it('a list the backend does not implement (method not found) is an empty list', async () => {
    const tools = new McpServer({ name: 'tools-only', version: '1.0.0' });
    tools.registerTool('only', { description: 'the only tool' }, async () => ({ content: [] }));
    const backend = new CountingBackend(tools);
    const provider = providerOf(backend);
    expect(await provider.listResources()).toEqual([]);
    expect(await provider.listResourceTemplates()).toEqual([]);
    expect(await provider.listPrompts()).toEqual([]);
    expect(await provider.getPrompt('x')).toBeUndefined();
    expect((await provider.listTools()).map((tool) => tool.name)).toEqual(['only']);
    expect(backend.count('prompts/list')).toBe(1);
  });

  it('a front list of a kind the backend lacks is empty too', async () => {
    const tools = new McpServer({ name: 'tools-only', version: '1.0.0' });
    tools.registerTool('only', { description: 'the only tool' }, async () => ({ content: [] }));
    const proxy = createProxy(tools);
    const front = await frontInMemory(proxy);
    try {
      expect(front.client.getServerCapabilities()?.prompts).toBeUndefined();
      expect(front.client.getServerCapabilities()?.resources).toBeUndefined();
      expect((await front.client.listPrompts()).prompts).toEqual([]);
      expect((await front.client.listResources()).resources).toEqual([]);
      expect((await front.client.listTools()).tools.map((tool) => tool.name)).toEqual(['only']);
    } finally {
      await front.close();
      await proxy.close();
    }
  });

  it('a backend list_changed clears that kind only', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const provider = providerOf(backend);
    await provider.listTools();
    await provider.listPrompts();
    const changed = new Promise<string>((resolve) => {
      const off = provider.subscribe((event) => {
        if (event.type === 'listChanged') {
          off();
          resolve(event.kind);
        }
      });
    });
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    expect(await changed).toBe('tool');
    backend.reset();
    expect((await provider.getTool('late'))?.name).toBe('late');
    expect(await provider.getPrompt('welcome')).toBeDefined();
    expect(backend.methods()).toEqual(['tools/list']);
  });

  it('does not keep a list that was on its way when the backend said its list changed', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const provider = providerOf(backend);
    await provider.listPrompts();
    const held = backend.holdResponses('tools/list');
    const listing = provider.listTools();
    await held.arrived;
    const changed = nextListChanged(provider);
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    await changed;
    await held.release();
    expect((await listing).map((tool) => tool.name)).not.toContain('late');
    backend.reset();
    expect((await provider.getTool('late'))?.name).toBe('late');
    expect(backend.methods()).toEqual(['tools/list']);
  });

  it('reports each backend event once per backend session, copies of a client included', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const base = new ProxyClient(backend);
    clients.push(base);
    let current = base;
    const provider = new ProxyProvider(() => current);
    await provider.listTools();
    current = base.new();
    clients.push(current);
    await provider.listPrompts();
    const kinds: string[] = [];
    provider.subscribe((event) => {
      if (event.type === 'listChanged') kinds.push(event.kind);
    });
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    await nextListChanged(provider);
    await current.ping();
    await base.ping();
    expect(backend.opened).toBe(2);
    expect(kinds).toEqual(['tool', 'tool']);
  });
});

function nextListChanged(provider: ProxyProvider): Promise<string> {
  return new Promise((resolve) => {
    const off = provider.subscribe((event) => {
      if (event.type === 'listChanged') {
        off();
        resolve(event.kind);
      }
    });
  });
}
