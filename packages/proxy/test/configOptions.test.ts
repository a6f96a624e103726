import {
  createProxy,
  defineTool,
  type HttpServerHandle,
  ProviderServer,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CountingBackend } from './fixtures/countingBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

/** A backend whose tools carry tags: `add` (math), `greet` (greet, public), `secret` (internal). */
function taggedBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'tagged' });
  server.add(
    defineTool({
      name: 'add',
      tags: ['math'],
      input: z.object({ a: z.number(), b: z.number() }),
      handler: ({ a, b }) => String(a + b),
    }),
    defineTool({ name: 'greet', tags: ['greet', 'public'], handler: () => 'hello' }),
    defineTool({ name: 'secret', tags: ['internal'], handler: () => 'classified' }),
  );
  return server;
}

let backend: CountingBackend;
let http: HttpServerHandle;
let proxy: ProxyServer | undefined;
let front: Front | undefined;

async function frontOf(config: unknown): Promise<Front> {
  proxy = createProxy(config as Parameters<typeof createProxy>[0]);
  front = await frontInMemory(proxy);
  return front;
}

async function toolNames(f: Front): Promise<string[]> {
  return (await f.client.listTools()).tools.map((tool) => tool.name).sort();
}

beforeAll(async () => {
  backend = new CountingBackend(taggedBackend());
  http = await serveHttp(backend, { port: 0 });
});

afterEach(async () => {
  await front?.close();
  front = undefined;
  await proxy?.close();
  proxy = undefined;
});

afterAll(async () => {
  await http.close();
});

describe('per-server options of an mcpServers config', () => {
  it('exclude_tags hides that server’s tagged tools, listed and called; other servers keep theirs', async () => {
    const f = await frontOf({
      mcpServers: { a: { url: http.url, exclude_tags: ['internal'] }, b: { url: http.url } },
    });
    expect(await toolNames(f)).toEqual(['a_add', 'a_greet', 'b_add', 'b_greet', 'b_secret']);
    backend.reset();
    await expect(f.client.callTool({ name: 'a_secret', arguments: {} })).rejects.toThrow(
      'Unknown tool: a_secret',
    );
    expect(backend.count('tools/call')).toBe(0);
    const shown = await f.client.callTool({ name: 'b_secret', arguments: {} });
    expect(shown.content).toEqual([{ type: 'text', text: 'classified' }]);
  });

  it('include_tags on the only server of a config keeps its tagged tools, without a prefix', async () => {
    const f = await frontOf({ mcpServers: { solo: { url: http.url, include_tags: ['math'] } } });
    expect(await toolNames(f)).toEqual(['add']);
    const sum = await f.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(sum.content).toEqual([{ type: 'text', text: '3' }]);
    await expect(f.client.callTool({ name: 'greet', arguments: {} })).rejects.toThrow(
      'Unknown tool: greet',
    );
  });

  it('a tool override that tags a tool lets include_tags select it (and only it)', async () => {
    const f = await frontOf({
      mcpServers: {
        a: {
          url: http.url,
          tools: { add: { name: 'transformed_add', tags: ['keep'] } },
          include_tags: ['keep'],
        },
        b: { url: http.url },
      },
    });
    expect(await toolNames(f)).toEqual(['a_transformed_add', 'b_add', 'b_greet', 'b_secret']);
    backend.reset();
    const sum = await f.client.callTool({
      name: 'a_transformed_add',
      arguments: { a: 20, b: 22 },
    });
    expect(sum.content).toEqual([{ type: 'text', text: '42' }]);
    expect(backend.requests.filter((r) => r.method === 'tools/call')[0]?.params?.name).toBe('add');
  });
});
