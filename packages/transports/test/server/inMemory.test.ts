import { describe, expect, it } from 'vitest';
import { serveInMemory } from '../../src/server/index';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

describe('serveInMemory', () => {
  it('serves a client through a linked pair and closes both sides', async () => {
    const counter = countingFactory();
    const connection = await serveInMemory(counter.factory);
    const client = await connectClient(connection.clientTransport);
    try {
      expect(counter.sessions).toEqual([{ transport: 'in-memory' }]);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'memory' } }))).toBe(
        'memory',
      );
      let clientClosed = 0;
      client.onclose = () => clientClosed++;
      await connection.close();
      expect(counter.closed).toBe(1);
      expect(clientClosed).toBeGreaterThan(0);
      await connection.close();
      expect(counter.closed).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('serves a shared server object', async () => {
    const counter = countingFactory();
    const server = counter.factory({ transport: 'in-memory' });
    await using connection = await serveInMemory(server);
    const client = await connectClient(connection.clientTransport);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'shared' } }))).toBe(
      'shared',
    );
    await client.close();
    expect(counter.closed).toBe(1);
  });
});
