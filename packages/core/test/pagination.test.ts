import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  ProviderServer,
  paginate,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, mcpError, rawSession } from './helpers';

const COUNT = 7;
const indexes = Array.from({ length: COUNT }, (_, i) => i);

function manyServer(pageSize?: number) {
  const server = new ProviderServer({ name: 'many', ...(pageSize ? { pageSize } : {}) });
  for (const i of indexes) {
    server.add(
      defineTool({ name: `tool${i}`, handler: () => `${i}` }),
      defineResource({ uri: `res://${i}`, read: () => `${i}` }),
      defineResourceTemplate({ uriTemplate: `tpl${i}://{x}`, name: `tpl${i}`, read: () => `${i}` }),
      definePrompt({ name: `prompt${i}`, render: () => `${i}` }),
    );
  }
  return server;
}

type Lister = (
  cursor: string | undefined,
) => Promise<{ keys: string[]; nextCursor?: string | undefined }>;

/** Follows cursors until the last page; bounded so that a cursor loop cannot hang the test. */
async function allPages(list: Lister): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let round = 0; round < 20; round++) {
    const page = await list(cursor);
    pages.push(page.keys);
    cursor = page.nextCursor;
    if (cursor === undefined) return pages;
  }
  throw new Error('Pagination did not end within 20 pages');
}

describe('pagination of lists', () => {
  it('cuts every list into pages of the configured size with opaque cursors', async () => {
    await using c = await connectInMemory(manyServer(3));
    const listers: Record<string, Lister> = {
      tools: async (cursor) => {
        const r = await c.client.listTools(cursor ? { cursor } : {});
        return { keys: r.tools.map((t) => t.name), nextCursor: r.nextCursor };
      },
      resources: async (cursor) => {
        const r = await c.client.listResources(cursor ? { cursor } : {});
        return { keys: r.resources.map((t) => t.uri), nextCursor: r.nextCursor };
      },
      templates: async (cursor) => {
        const r = await c.client.listResourceTemplates(cursor ? { cursor } : {});
        return { keys: r.resourceTemplates.map((t) => t.name), nextCursor: r.nextCursor };
      },
      prompts: async (cursor) => {
        const r = await c.client.listPrompts(cursor ? { cursor } : {});
        return { keys: r.prompts.map((t) => t.name), nextCursor: r.nextCursor };
      },
    };
    const expected = {
      tools: indexes.map((i) => `tool${i}`),
      resources: indexes.map((i) => `res://${i}`),
      templates: indexes.map((i) => `tpl${i}`),
      prompts: indexes.map((i) => `prompt${i}`),
    };
    for (const [kind, list] of Object.entries(listers)) {
      const pages = await allPages(list);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(expected[kind as keyof typeof expected]);
    }
  });

  it('lists everything on one page without a page size', async () => {
    await using c = await connectInMemory(manyServer());
    const { tools, nextCursor } = await c.client.listTools();
    expect(tools).toHaveLength(COUNT);
    expect(nextCursor).toBeUndefined();
  });

  it('gives no next cursor when the last page is exactly full', async () => {
    await using c = await connectInMemory(manyServer(COUNT));
    const { tools, nextCursor } = await c.client.listTools();
    expect(tools).toHaveLength(COUNT);
    expect(nextCursor).toBeUndefined();
  });

  it('answers an invalid cursor with -32602 naming it', async () => {
    await using c = await connectInMemory(manyServer(3));
    const past = paginate(indexes, undefined, 100).nextCursor;
    expect(past).toBeUndefined();
    const beyond = Buffer.from(JSON.stringify({ o: 1000 })).toString('base64url');
    for (const cursor of ['garbage!', 'bnVsbA', beyond]) {
      const error = await mcpError(c.client.listTools({ cursor }));
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toContain(`Invalid cursor: ${cursor}`);
    }
    const error = await mcpError(c.client.listPrompts({ cursor: 'garbage!' }));
    expect(error.code).toBe(ErrorCode.InvalidParams);
  });

  it('refuses a page size that is not a positive integer, naming the option', () => {
    for (const pageSize of [2.5, -1, 0, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ProviderServer({ pageSize })).toThrow(
        `The pageSize option must be a positive integer, got ${pageSize}`,
      );
      expect(() => paginate(indexes, undefined, pageSize)).toThrow(TypeError);
    }
    expect(() => new ProviderServer({ pageSize: '2' as never })).toThrow('got "2"');
    expect(new ProviderServer({ pageSize: 1 }).options.pageSize).toBe(1);
  });

  it('reports the invalid cursor as a JSON-RPC error on the wire', async () => {
    const raw = await rawSession(manyServer(3));
    try {
      const reply = await raw.request('resources/list', { cursor: 'nope' });
      expect(reply.result).toBeUndefined();
      expect(reply.error).toMatchObject({ code: -32602, message: 'Invalid cursor: nope' });
    } finally {
      await raw.close();
    }
  });
});
