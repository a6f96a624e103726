import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { defineResourceTemplate, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, mcpError } from './helpers';

function templateServer() {
  return new ProviderServer({ name: 'templates' }).add(
    defineResourceTemplate({
      uriTemplate: 'users://{id}/profile',
      name: 'profile',
      description: 'A user profile',
      mimeType: 'application/json',
      read: (params, _context, uri) => JSON.stringify({ params, uri }),
    }),
    defineResourceTemplate({
      uriTemplate: 'files://{path*}',
      name: 'file',
      read: ({ path }) => `file ${path}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'search://items{?q,limit}',
      name: 'search',
      params: z.object({ q: z.string(), limit: z.coerce.number().int().max(50).default(10) }),
      read: ({ q, limit }) => JSON.stringify({ q, limit }),
    }),
  );
}

async function readText(
  c: Awaited<ReturnType<typeof connectInMemory>>,
  uri: string,
): Promise<string> {
  const { contents } = await c.client.readResource({ uri });
  expect(contents).toHaveLength(1);
  expect(contents[0]!.uri).toBe(uri);
  return (contents[0] as { text: string }).text;
}

describe('resource templates through a ProviderServer', () => {
  it('lists templates with their wire fields', async () => {
    await using c = await connectInMemory(templateServer());
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      {
        uriTemplate: 'users://{id}/profile',
        name: 'profile',
        description: 'A user profile',
        mimeType: 'application/json',
      },
      { uriTemplate: 'files://{path*}', name: 'file' },
      { uriTemplate: 'search://items{?q,limit}', name: 'search' },
    ]);
  });

  it('reads through a {var} template with the parameter percent-decoded', async () => {
    await using c = await connectInMemory(templateServer());
    const { contents } = await c.client.readResource({ uri: 'users://Jos%C3%A9%2F1/profile' });
    expect(contents).toEqual([
      {
        uri: 'users://Jos%C3%A9%2F1/profile',
        mimeType: 'application/json',
        text: JSON.stringify({ params: { id: 'José/1' }, uri: 'users://Jos%C3%A9%2F1/profile' }),
      },
    ]);
  });

  it('reads a URI with a trailing fragment through the template its other parts match', async () => {
    await using c = await connectInMemory(templateServer());
    expect(await readText(c, 'search://items?q=shoes#results')).toBe(
      JSON.stringify({ q: 'shoes', limit: 10 }),
    );
    expect(await readText(c, 'files://docs/guide.md#install')).toBe('file docs/guide.md');
  });

  it('reads through a {var*} template spanning segments, reserved characters included', async () => {
    await using c = await connectInMemory(templateServer());
    expect(await readText(c, 'files://src/a%20b/c.ts')).toBe('file src/a b/c.ts');
    expect(await readText(c, 'files://x/%3F%23%25/y')).toBe('file x/?#%/y');
  });

  it('reads through a {?a,b} template, validating and coercing with its zod schema', async () => {
    await using c = await connectInMemory(templateServer());
    expect(await readText(c, 'search://items?limit=5&q=red%20shoes')).toBe(
      '{"q":"red shoes","limit":5}',
    );
    expect(await readText(c, 'search://items?q=a%26b')).toBe('{"q":"a&b","limit":10}');
  });

  it('rejects parameters that fail validation with -32602 naming the parameter', async () => {
    await using c = await connectInMemory(templateServer());
    const tooMany = await mcpError(c.client.readResource({ uri: 'search://items?q=x&limit=99' }));
    expect(tooMany.code).toBe(ErrorCode.InvalidParams);
    expect(tooMany.message).toContain(
      'Invalid parameters for resource template search://items{?q,limit}: limit:',
    );
    const missing = await mcpError(c.client.readResource({ uri: 'search://items' }));
    expect(missing.message).toMatch(/: q: expected string/);
  });

  it('answers a URI no template matches with -32002', async () => {
    await using c = await connectInMemory(templateServer());
    for (const uri of [
      'users://1/2/profile',
      'users:///profile',
      'search://other',
      'nothing://x',
    ]) {
      const error = await mcpError(c.client.readResource({ uri }));
      expect(error.code).toBe(-32002);
      expect(error.message).toContain(`Resource not found: ${uri}`);
    }
  });

  it('uses the first template that matches, in the order they were added', async () => {
    const server = new ProviderServer().add(
      defineResourceTemplate({ uriTemplate: 'x://{a}', name: 'one', read: ({ a }) => `one ${a}` }),
      defineResourceTemplate({
        uriTemplate: 'x://{rest*}',
        name: 'many',
        read: ({ rest }) => `many ${rest}`,
      }),
    );
    await using c = await connectInMemory(server);
    expect(await readText(c, 'x://a')).toBe('one a');
    expect(await readText(c, 'x://a/b')).toBe('many a/b');
  });
});
