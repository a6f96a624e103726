import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { describe, expect, it } from 'vitest';
import { createClientTransport, createConnector } from '../../src/client/index';
import { newClient } from '../fixtures/clientHelpers';
import { startStreamableServer } from '../fixtures/httpServers';

describe('streamable HTTP backend', () => {
  it('sends target headers, the bearer token and per-connect headers to a verbatim URL', async () => {
    const server = await startStreamableServer();
    const fetched: string[] = [];
    const fetchSpy: FetchLike = (url, init) => {
      fetched.push(String(url));
      return fetch(url, init);
    };
    const connector = createConnector({
      url: `${server.origin}/mcp/`,
      headers: { 'X-Target': 'from-target', 'X-Shared': 'target-wins' },
      auth: 'backend-token',
      fetch: fetchSpy,
    });
    const client = newClient();
    try {
      expect(connector.kind).toBe('streamable-http');
      const transport = await connector.connect({
        headers: {
          'x-shared': 'per-connect',
          'X-Forwarded-Thing': 'forwarded',
          authorization: 'Bearer client-token',
        },
      });
      await client.connect(transport);
      const result = await client.callTool({ name: 'greet', arguments: { name: 'proxy' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Hello, proxy' }]);

      const posts = server.requests.filter((request) => request.method === 'POST');
      expect(posts.length).toBeGreaterThanOrEqual(2);
      for (const { url, headers } of posts) {
        expect(url).toBe('/mcp/');
        expect(headers['x-target']).toBe('from-target');
        expect(headers['x-shared']).toBe('target-wins');
        expect(headers['x-forwarded-thing']).toBe('forwarded');
        expect(headers.authorization).toBe('Bearer backend-token');
      }
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.every((url) => url === `${server.origin}/mcp/`)).toBe(true);
    } finally {
      await client.close();
      await connector.close();
      await server.close();
    }
  });

  it('connects one-shot from a plain URL string without extra headers', async () => {
    const server = await startStreamableServer();
    const client = newClient();
    try {
      await client.connect(await createClientTransport(`${server.origin}/mcp`));
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['greet']);
      const first = server.requests.find((request) => request.method === 'POST');
      expect(first?.url).toBe('/mcp');
      expect(first?.headers.authorization).toBeUndefined();
    } finally {
      await client.close();
      await server.close();
    }
  });
});
