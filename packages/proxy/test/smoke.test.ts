import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createProxy, serveInMemory } from '@org/proxy';
import { everythingStdioCommand } from '@org/test-utils';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('proxies server-everything over stdio', async () => {
    const proxy = createProxy(everythingStdioCommand());
    const connection = await serveInMemory(proxy);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(connection.clientTransport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('echo');
      const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
      expect(JSON.stringify(result.content)).toContain('hi');
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
