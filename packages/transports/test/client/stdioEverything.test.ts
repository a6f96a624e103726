import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { everythingStdioCommand, isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { ChildProcessTransport, createConnector } from '../../src/client/index';
import { newClient } from '../fixtures/clientHelpers';

describe('stdio connector with server-everything', () => {
  it('lists and calls tools through an SDK client, and kills the child on close', async () => {
    const connector = createConnector({ ...everythingStdioCommand(), stderr: 'ignore' });
    let client: Client | undefined;
    try {
      expect(connector.kind).toBe('stdio');
      expect(connector.name).toBe('node');
      const transport = await connector.connect();
      expect(transport).toBeInstanceOf(ChildProcessTransport);
      client = newClient();
      await client.connect(transport);
      const pid = (transport as ChildProcessTransport).pid;
      expect(pid).toBeTypeOf('number');
      expect(isPidAlive(pid!)).toBe(true);

      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      const result = await client.callTool({ name: 'echo', arguments: { message: 'hello proxy' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello proxy' }]);

      await client.close();
      client = undefined;
      await waitFor(() => !isPidAlive(pid!), { what: `pid ${pid} to exit` });
    } finally {
      await client?.close();
      await connector.close();
    }
  });
});
