import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createProxy, definePrompt, defineTool, ProxyClient, ProxyProvider } from '@org/proxy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

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

  it('refreshes a fresh list once for a miss, then passes the unknown name on unlisted', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    await provider.listResources();
    await provider.listResourceTemplates();
    await provider.listTools();
    backend.reset();
    const resource = await provider.getResource('config://app');
    expect(resource).toMatchObject({ uri: 'config://app', unlisted: true });
    const tool = await provider.getTool('nope');
    expect(tool).toMatchObject({ name: 'nope', unlisted: true });
    expect(await provider.listTools()).not.toContainEqual(
      expect.objectContaining({ name: 'nope' }),
    );
    expect(backend.methods().sort()).toEqual(
      ['resources/list', 'resources/templates/list', 'tools/list'].sort(),
    );
  });

  it('with forwardUnknown off, a name still unknown after the refresh is unknown', async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend);
    clients.push(client);
    const provider = new ProxyProvider(() => client, { forwardUnknown: false });
    await provider.listTools();
    expect(await provider.getTool('nope')).toBeUndefined();
    expect(await provider.getPrompt('nope')).toBeUndefined();
    expect(await provider.getResource('nope://x')).toBeUndefined();
    expect(backend.count('tools/list')).toBe(2);
  });

  it('many concurrent lookups of unknown names refresh the list with one backend request', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    await provider.listTools();
    backend.reset();
    const names = Array.from({ length: 20 }, (_, index) => `missing_${index}`);
    const found = await Promise.all(names.map((name) => provider.getTool(name)));
    expect(found.map((tool) => tool?.name)).toEqual(names);
    expect(backend.count('tools/list')).toBe(1);
  });

  it('a templated read never refreshes the resource list', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    await provider.listResources();
    await provider.listResourceTemplates();
    backend.reset();
    expect(await provider.getResource('data://user/1')).toBeUndefined();
    expect((await provider.getResourceTemplate('data://user/1'))?.uriTemplate).toBe(
      'data://user/{user_id}',
    );
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

  it('serves a second list within the TTL from the cache: no backend request (the default)', async () => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend);
    expect(provider.refreshOnList).toBe(false);
    const first = (await provider.listTools()).map((tool) => tool.name);
    const second = (await provider.listTools()).map((tool) => tool.name);
    expect(second).toEqual(first);
    expect(backend.count('tools/list')).toBe(1);
  });

  it('with refreshOnList, every list asks the backend; lookups still use the cache', async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend);
    clients.push(client);
    const provider = new ProxyProvider(() => client, { refreshOnList: true });
    await provider.listTools();
    await provider.listTools();
    await provider.listTools();
    expect(backend.count('tools/list')).toBe(3);
    await provider.getTool('greet');
    expect(backend.count('tools/list')).toBe(3);
  });

  it('a backend list_changed notification makes the next list ask the backend', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const provider = providerOf(backend);
    await provider.listTools();
    const changed = nextListChanged(provider);
    // The backend sends notifications/tools/list_changed on its own: nothing here invalidates.
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    expect(await changed).toBe('tool');
    backend.reset();
    expect((await provider.listTools()).map((tool) => tool.name)).toContain('late');
    expect(backend.methods()).toEqual(['tools/list']);
  });

  it.each<[string, string, Lister, Lister]>([
    ['tools', 'tools/list', (p) => p.listTools(), (p) => p.getTool('greet')],
    [
      'resources',
      'resources/list',
      (p) => p.listResources(),
      (p) => p.getResource('resource://wave'),
    ],
    [
      'templates',
      'resources/templates/list',
      (p) => p.listResourceTemplates(),
      (p) => p.getResourceTemplate('data://user/1'),
    ],
    ['prompts', 'prompts/list', (p) => p.listPrompts(), (p) => p.getPrompt('welcome')],
  ])('lists %s again once the TTL has passed', async (_kind, method, list, lookup) => {
    const backend = new CountingBackend(demoBackend());
    const provider = providerOf(backend, 1000);
    await list(provider);
    expect(await lookup(provider)).toBeDefined();
    await list(provider);
    expect(backend.count(method)).toBe(1);
    advanceClock(1001);
    expect(await lookup(provider)).toBeDefined();
    expect(backend.count(method)).toBe(2);
    await list(provider);
    expect(backend.count(method)).toBe(2);
  });

  it('without list_changed, a component the backend added is found by a lookup, which refreshes the list', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    backend.silentListChanges = true;
    const provider = providerOf(backend, 1000);
    await provider.listTools();
    await provider.listPrompts();
    server.local.add(
      defineTool({ name: 'late', handler: () => 'late' }),
      definePrompt({ name: 'late_prompt', render: () => 'late' }),
    );
    // A list within the TTL still comes from the cache...
    expect((await provider.listTools()).map((tool) => tool.name)).not.toContain('late');
    expect(backend.count('tools/list')).toBe(1);
    // ...but a lookup that misses refreshes it, and finds the real, listed component.
    expect(await provider.getTool('late')).toMatchObject({ name: 'late', unlisted: false });
    expect(await provider.getPrompt('late_prompt')).toMatchObject({
      name: 'late_prompt',
      unlisted: false,
    });
    expect(backend.count('tools/list')).toBe(2);
    expect((await provider.listTools()).map((tool) => tool.name)).toContain('late');
    expect(backend.count('tools/list')).toBe(2);
  });

  it('without list_changed, a removed component still resolves and fails with the backend’s error', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    backend.silentListChanges = true;
    const proxy = createProxy(backend);
    const front = await frontInMemory(proxy);
    const direct = await frontInMemory(server, {}, 'direct');
    try {
      await front.client.listTools();
      await front.client.listResources();
      server.local.remove('tool', 'greet');
      server.local.remove('resource', 'resource://wave');
      backend.reset();
      const call = (f: Front) => f.client.callTool({ name: 'greet', arguments: { name: 'x' } });
      const read = (f: Front) => f.client.readResource({ uri: 'resource://wave' });
      expect(await errorOf(() => call(front))).toEqual(await errorOf(() => call(direct)));
      expect(await errorOf(() => read(front))).toEqual(await errorOf(() => read(direct)));
      // Both were resolved from the cache and sent to the backend, which refused them.
      expect(backend.methods()).toEqual(['tools/call', 'resources/read']);
    } finally {
      await direct.close();
      await front.close();
      await proxy.close();
    }
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
      'nope',
    ]);
    // The unknown name was looked up in the list this call fetched: no second request.
    expect(found[2]).toMatchObject({ unlisted: true });
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
    expect(await provider.getPrompt('x')).toMatchObject({ name: 'x', unlisted: true });
    expect((await provider.listTools()).map((tool) => tool.name)).toEqual(['only']);
    // Listed once, and once more by the lookup that missed: the empty list is cached, not refused.
    expect(backend.count('prompts/list')).toBe(2);
    expect(await provider.listPrompts()).toEqual([]);
    expect(backend.count('prompts/list')).toBe(2);
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

type Lister = (provider: ProxyProvider) => Promise<unknown>;

/** The JSON-RPC code and message a request failed with. */
async function errorOf(run: () => Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await run();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message: string };
    return { code, message };
  }
  throw new Error('Expected the request to fail');
}
