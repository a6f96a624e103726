import { describe, expect, it } from 'vitest';
import { createConnector } from '../../src/client/index';
import { newClient } from '../fixtures/clientHelpers';
import { startSseServer } from '../fixtures/httpServers';

describe('legacy SSE backend', () => {
  it('infers SSE from /sse and sends the target headers and bearer token on stream and posts', async () => {
    const server = await startSseServer();
    const connector = createConnector({
      url: `${server.origin}/sse`,
      headers: { 'X-Target': 'from-target' },
      auth: 'sse-token',
      name: 'legacy',
    });
    const client = newClient();
    try {
      expect(connector.kind).toBe('sse');
      expect(connector.describe()).toBe(`sse backend legacy: ${server.origin}/sse`);
      await client.connect(await connector.connect({ headers: { 'X-Per-Connect': 'yes' } }));
      const result = await client.callTool({ name: 'greet', arguments: { name: 'sse' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Hello, sse' }]);

      const stream = server.requests.find((request) => request.method === 'GET');
      const posts = server.requests.filter((request) => request.method === 'POST');
      expect(stream?.url).toBe('/sse');
      expect(posts.length).toBeGreaterThanOrEqual(2);
      for (const { headers } of [stream!, ...posts]) {
        expect(headers['x-target']).toBe('from-target');
        expect(headers['x-per-connect']).toBe('yes');
        expect(headers.authorization).toBe('Bearer sse-token');
      }
    } finally {
      await client.close();
      await connector.close();
      await server.close();
    }
  });
});
