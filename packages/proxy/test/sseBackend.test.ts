import { createProxy, type ProxyServer } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBackend, USERS } from './fixtures/demoBackend';
import { type Front, frontInMemory, textOf } from './fixtures/fronts';
import { type SseBackend, startSseBackend } from './fixtures/sseBackend';

let backend: SseBackend | undefined;
let proxy: ProxyServer | undefined;
let front: Front | undefined;

afterEach(async () => {
  await front?.close();
  front = undefined;
  await proxy?.close();
  proxy = undefined;
  await backend?.close();
  backend = undefined;
});

describe('a legacy SSE backend (a URL ending in /sse)', () => {
  it('is reached over SSE by createProxy: lists, calls, reads and renders pass through', async () => {
    backend = await startSseBackend(demoBackend('sse-backend'));
    proxy = createProxy(backend.url);
    expect(backend.requests).toEqual([]);
    front = await frontInMemory(proxy);
    const tools = (await front.client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['greet', 'add']));
    const sum = await front.client.callTool({ name: 'add', arguments: { a: 4, b: 5 } });
    expect(sum.structuredContent).toEqual({ sum: 9 });
    const user = await front.client.readResource({ uri: 'data://user/2' });
    expect(JSON.parse(textOf(user.contents[0]))).toEqual(USERS[1]);
    const prompt = await front.client.getPrompt({ name: 'welcome', arguments: { name: 'S' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Welcome to the proxy, S!' });
    // The legacy transport: one event stream, then messages posted to the endpoint it named.
    expect(backend.requests[0]).toEqual({ method: 'GET', path: '/sse' });
    expect(
      backend.requests.slice(1).every((r) => r.method === 'POST' && r.path === '/messages'),
    ).toBe(true);
    expect(backend.requests.length).toBeGreaterThan(4);
    expect(backend.openSessions).toBe(1);
  });

  it('in an mcpServers config, namespaced beside nothing else; the stream closes with the front', async () => {
    backend = await startSseBackend(demoBackend('sse-backend'));
    proxy = createProxy(
      { mcpServers: { legacy: { url: backend.url } } },
      {
        namespaceSingleServer: true,
      },
    );
    front = await frontInMemory(proxy);
    const greeted = await front.client.callTool({
      name: 'legacy_greet',
      arguments: { name: 'SSE' },
    });
    expect(greeted.content).toEqual([{ type: 'text', text: 'Hello, SSE!' }]);
    expect(backend.requests[0]).toEqual({ method: 'GET', path: '/sse' });
    expect(backend.openSessions).toBe(1);
    await front.close();
    front = undefined;
    await proxy.close();
    proxy = undefined;
    await backend.allClosed();
    expect(backend.openSessions).toBe(0);
  });
});
