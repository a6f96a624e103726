import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createProxy, serveHttp } from '@org/proxy';
import { startIssuer, startWorkspaceHttp } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { Cleanup } from '../reliability/fixtures/harness';

// Promise: behind an OAuth front, the client's access token never reaches a backend, even when
// the library is told to forward `authorization`: the request fails with an error naming the
// spec rule, while other forwarded headers still pass, each client's own.

const RESOURCE = 'https://mcp.example.test/mcp';

describe('token passthrough behind an OAuth front', () => {
  it('refuses to forward the front token, and forwards other headers per client', async () => {
    const cleanup = new Cleanup();
    try {
      const issuer = cleanup.add(await startIssuer(['alice', 'bob'], ['mcp:tools']), (i) =>
        i.close(),
      );
      const backend = cleanup.add(await startWorkspaceHttp('t'), (b) => b.stop());
      const oauth = { resource: RESOURCE, authorizationServers: [issuer.url] };
      const serveWith = async (forwardHeaders: string[]) => {
        const proxy = cleanup.add(createProxy(backend.url, { forwardHeaders }), (p) => p.close());
        return cleanup.add(await serveHttp(proxy, { port: 0, oauth }), (h) => h.close());
      };
      const connect = async (endpoint: string, clientId: string) => {
        const token = await issuer.token(clientId, RESOURCE);
        const client = new Client({ name: clientId, version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(endpoint), {
            requestInit: { headers: { authorization: `Bearer ${token}`, 'x-user': clientId } },
          }),
        );
        cleanup.add(client, (c) => c.close());
        return { client, token };
      };

      const banned = await serveWith(['authorization', 'x-user']);
      // The proxy meets the backend at the client's initialize: that is where it refuses.
      const refused = await connect(banned.url, 'alice').then(
        () => 'connected',
        (error: Error) => error.message,
      );
      expect(refused).toContain('forbids token passthrough');
      expect(refused).not.toMatch(/Bearer|eyJ/);

      const allowed = await serveWith(['x-user']);
      const [a, b] = await Promise.all([
        connect(allowed.url, 'alice'),
        connect(allowed.url, 'bob'),
      ]);
      const whoami = async (client: Client) => {
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        return JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as {
          authorization: string | null;
          user: string | null;
        };
      };
      expect(await whoami(a.client)).toMatchObject({ authorization: null, user: 'alice' });
      expect(await whoami(b.client)).toMatchObject({ authorization: null, user: 'bob' });
    } finally {
      await cleanup.run();
    }
  });
});
