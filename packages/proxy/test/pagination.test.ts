import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createProxy, ProviderServer, type ProxyServer } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

function pagedBackend(): ProviderServer {
  const paged = new ProviderServer({ name: 'paged', pageSize: 2 });
  paged.mount(demoBackend());
  return paged;
}

/** Every tool name over every page, and how many pages it took. */
async function allToolNames(client: Client): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 50; pages++) {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    names.push(...page.tools.map((tool) => tool.name));
    if (!page.nextCursor) return { names, pages };
    cursor = page.nextCursor;
  }
  throw new Error('More than 50 pages');
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
});

describe('pagination', () => {
  it('follows every page of a paginated backend, and pages on its own', async () => {
    const server = pagedBackend();
    const backend = new CountingBackend(server);
    proxy = createProxy(backend, { pageSize: 5 });
    const front = await frontInMemory(proxy);
    const direct = await frontInMemory(server, {}, 'direct');
    fronts.push(front, direct);
    const straight = await allToolNames(direct.client);
    backend.reset();
    const proxied = await allToolNames(front.client);
    expect(proxied.names).toEqual(straight.names);
    expect(straight.pages).toBe(Math.ceil(straight.names.length / 2));
    expect(proxied.pages).toBe(Math.ceil(straight.names.length / 5));
    // The backend is listed in full (all its pages) once; the front's later pages come from the
    // cache.
    expect(backend.count('tools/list')).toBe(straight.pages);
    const cursors = backend.requests
      .filter((r) => r.method === 'tools/list')
      .map((r) => r.params?.cursor);
    expect(cursors.filter((cursor) => cursor === undefined)).toHaveLength(1);
  });

  it('never passes a front cursor to the backend, and refuses an invalid one', async () => {
    const backend = new CountingBackend(pagedBackend());
    proxy = createProxy(backend, { pageSize: 5 });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    await expect(front.client.listTools({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: -32602,
    });
    const first = await front.client.listTools();
    backend.reset();
    await front.client.listTools({ cursor: first.nextCursor! });
    const sent = backend.requests.map((r) => r.params?.cursor).filter((c) => c !== undefined);
    expect(sent).not.toContain(first.nextCursor);
  });
});
