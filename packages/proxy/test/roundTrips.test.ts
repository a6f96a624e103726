import { createProxy, defineTool, type ProxyServer, type SessionStrategy } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory, Inbox } from './fixtures/fronts';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

async function setup(strategy?: SessionStrategy) {
  const server = demoBackend();
  const backend = new CountingBackend(server);
  proxy = createProxy(backend, strategy ? { strategy } : {});
  const front = await frontInMemory(proxy);
  fronts.push(front);
  return { server, backend, front, proxy };
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
});

describe('backend round trips, counted at the backend', () => {
  it('a front that connects costs one backend session and its initialize only', async () => {
    const { backend } = await setup();
    expect(backend.opened).toBe(1);
    expect(backend.methods()).toEqual(['initialize']);
  });

  it('a call on a warm cache makes exactly one backend request', async () => {
    const { backend, front } = await setup();
    await front.client.listTools();
    backend.reset();
    const result = await front.client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.structuredContent).toEqual({ sum: 5 });
    expect(backend.methods()).toEqual(['tools/call']);
    await front.client.callTool({ name: 'greet', arguments: { name: 'x' } });
    expect(backend.methods()).toEqual(['tools/call', 'tools/call']);
  });

  it('reads and renders on a warm cache make exactly one backend request each', async () => {
    const { backend, front } = await setup();
    await front.client.listResources();
    await front.client.listResourceTemplates();
    await front.client.listPrompts();
    backend.reset();
    await front.client.readResource({ uri: 'resource://wave' });
    expect(backend.methods()).toEqual(['resources/read']);
    await front.client.readResource({ uri: 'data://user/1' });
    expect(backend.methods()).toEqual(['resources/read', 'resources/read']);
    await front.client.getPrompt({ name: 'welcome', arguments: { name: 'A' } });
    expect(backend.methods()).toEqual(['resources/read', 'resources/read', 'prompts/get']);
  });

  it('lookups within the TTL never list the backend again', async () => {
    const { backend, front } = await setup();
    await front.client.listTools();
    backend.reset();
    for (let i = 0; i < 5; i++) {
      await front.client.callTool({ name: 'greet', arguments: { name: String(i) } });
    }
    expect(backend.count('tools/list')).toBe(0);
    expect(backend.count('tools/call')).toBe(5);
    // An unknown name refreshes the list once, then goes to the backend as it is.
    await front.client.callTool({ name: 'unknown_tool', arguments: {} }).catch(() => undefined);
    expect(backend.count('tools/list')).toBe(1);
    expect(backend.count('tools/call')).toBe(6);
  });

  it('a cold call lists once, then calls', async () => {
    const { backend, front } = await setup();
    backend.reset();
    await front.client.callTool({ name: 'greet', arguments: { name: 'x' } });
    expect(backend.methods()).toEqual(['tools/list', 'tools/call']);
  });

  it('a second list within the TTL makes no backend request; each backend session lists once', async () => {
    const { backend, front } = await setup();
    const second = await frontInMemory(proxy!);
    fronts.push(second);
    backend.reset();
    // per-session caches per backend session: each session's list is its own.
    await Promise.all([front.client.listTools(), second.client.listTools()]);
    expect(backend.count('tools/list')).toBe(2);
    await front.client.listTools();
    await second.client.listTools();
    expect(backend.count('tools/list')).toBe(2);
  });

  it("with cacheScope 'shared', concurrent cold lists of two sessions share one backend request", async () => {
    const backend = new CountingBackend(demoBackend());
    proxy = createProxy(backend, { cacheScope: 'shared' });
    const [first, second] = [await frontInMemory(proxy), await frontInMemory(proxy)];
    fronts.push(first, second);
    backend.reset();
    await Promise.all([first.client.listTools(), second.client.listTools()]);
    expect(backend.count('tools/list')).toBe(1);
    await first.client.listTools();
    await second.client.listTools();
    expect(backend.count('tools/list')).toBe(1);
  });

  it('with refreshOnList, every explicit list asks the backend (lookups still use the cache)', async () => {
    const backend = new CountingBackend(demoBackend());
    proxy = createProxy(backend, { refreshOnList: true });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    backend.reset();
    await front.client.listTools();
    await front.client.listTools();
    expect(backend.count('tools/list')).toBe(2);
    await front.client.callTool({ name: 'greet', arguments: { name: 'x' } });
    expect(backend.count('tools/list')).toBe(2);
  });

  it('a backend list_changed notification makes the next list ask the backend again', async () => {
    const { server, backend, front } = await setup();
    const inbox = new Inbox(front.client, ['notifications/tools/list_changed']);
    await front.client.listTools();
    // The backend announces the change itself; the front hears of it once the cache is cleared.
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    await inbox.waitFor('notifications/tools/list_changed');
    backend.reset();
    const names = (await front.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('late');
    expect(backend.methods()).toEqual(['tools/list']);
  });

  it('with the cache turned off, every call lists the backend first', async () => {
    const backend = new CountingBackend(demoBackend());
    proxy = createProxy(backend, { cacheTtlMs: 0 });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    await front.client.listTools();
    backend.reset();
    await front.client.callTool({ name: 'greet', arguments: { name: 'x' } });
    await front.client.callTool({ name: 'greet', arguments: { name: 'y' } });
    expect(backend.methods()).toEqual(['tools/list', 'tools/call', 'tools/list', 'tools/call']);
  });

  it('ping is one backend ping', async () => {
    const { backend, front } = await setup();
    backend.reset();
    await front.client.ping();
    expect(backend.methods()).toEqual(['ping']);
  });

  it('per-request pays a backend session per request and closes it', async () => {
    const { backend, front } = await setup('per-request');
    await front.client.listTools();
    const opened = backend.opened;
    backend.reset();
    await front.client.callTool({ name: 'greet', arguments: { name: 'x' } });
    expect(backend.methods()).toEqual(['initialize', 'tools/call']);
    expect(backend.opened).toBe(opened + 1);
    await backend.waitForClosed(opened + 1);
  });

  it('shared uses one backend session for every front', async () => {
    const { backend, front } = await setup('shared');
    const second = await frontInMemory(proxy!);
    fronts.push(second);
    await front.client.callTool({ name: 'greet', arguments: { name: 'a' } });
    await second.client.callTool({ name: 'greet', arguments: { name: 'b' } });
    expect(backend.opened).toBe(1);
    expect(backend.count('initialize')).toBe(1);
  });
});
