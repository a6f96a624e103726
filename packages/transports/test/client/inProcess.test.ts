import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { createClientTransport, createConnector } from '../../src/client/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { newClient } from '../fixtures/clientHelpers';
import { greetServer } from '../fixtures/httpServers';

describe('in-process backend', () => {
  it('connects twice through a factory, and closing a client closes its server side', async () => {
    const servers: McpServer[] = [];
    const serverClosed: boolean[] = [];
    const connector = createConnector({
      server: () => {
        const server = greetServer();
        const index = servers.push(server) - 1;
        serverClosed[index] = false;
        server.server.onclose = () => {
          serverClosed[index] = true;
        };
        return server;
      },
    });
    const first = newClient();
    const second = newClient();
    try {
      expect(connector.kind).toBe('in-memory');
      await first.connect(await connector.connect());
      await second.connect(await connector.connect());
      expect(servers).toHaveLength(2);
      for (const [client, who] of [
        [first, 'one'],
        [second, 'two'],
      ] as const) {
        const result = await client.callTool({ name: 'greet', arguments: { name: who } });
        expect(result.content).toEqual([{ type: 'text', text: `Hello, ${who}` }]);
      }

      await first.close();
      expect(serverClosed).toEqual([true, false]);
      await connector.close();
      expect(serverClosed).toEqual([true, true]);
      await expect(connector.connect()).rejects.toThrow('Connector is closed: in-process');
    } finally {
      await first.close();
      await second.close();
      await connector.close();
    }
  });

  it('accepts a server object directly, once', async () => {
    const server = greetServer();
    const client = newClient();
    try {
      await client.connect(await createClientTransport(server));
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['greet']);
      const again = await createClientTransport(server).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(again).toBeInstanceOf(ProxyError);
      expect((again as ProxyError).code).toBe(ProxyErrorCode.BackendUnavailable);
      expect((again as ProxyError).message).toMatch(
        /^Cannot connect in-process backend in-process: /,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
