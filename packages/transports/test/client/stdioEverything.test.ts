import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { everythingStdioCommand, isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { type ChildExitInfo, ChildProcessTransport, createConnector } from '../../src/client/index';
import { newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

/** Lists the tools and calls `echo`: the backend works end to end. */
async function expectWorking(client: Client, text: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name)).toContain('echo');
  const result = await client.callTool({ name: 'echo', arguments: { message: text } });
  expect(result.content).toEqual([{ type: 'text', text: `Echo: ${text}` }]);
}

/** Resolves when `onExit` reports the exit of `pid`. */
function exitOf(
  pid: number,
  listeners: Set<(exit: ChildExitInfo) => void>,
): Promise<ChildExitInfo> {
  return new Promise((resolve) => {
    const listener = (exit: ChildExitInfo) => {
      if (exit.pid !== pid) return;
      listeners.delete(listener);
      resolve(exit);
    };
    listeners.add(listener);
  });
}

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

  it('restarts a killed child on the next connect, whether it died in use or kept idle', async () => {
    const listeners = new Set<(exit: ChildExitInfo) => void>();
    const connector = createConnector(
      { ...everythingStdioCommand(), stderr: 'ignore', keepAlive: true },
      {
        onExit: (exit) => {
          for (const listener of [...listeners]) listener(exit);
        },
      },
    );
    const clients: Client[] = [];
    const connect = async () => {
      const transport = (await connector.connect()) as ChildProcessTransport;
      const client = newClient();
      clients.push(client);
      await client.connect(transport);
      return { client, pid: transport.pid! };
    };
    try {
      // kill -9 while a client uses it: the client is closed, the next connect starts a new child.
      const first = await connect();
      await expectWorking(first.client, 'before the crash');
      const closed = new Promise<void>((resolve) => {
        first.client.onclose = resolve;
      });
      const firstExit = exitOf(first.pid, listeners);
      process.kill(first.pid, 'SIGKILL');
      expect(await firstExit).toMatchObject({ signal: 'SIGKILL', code: null });
      await closed;

      const second = await connect();
      expect(second.pid).not.toBe(first.pid);
      await expectWorking(second.client, 'after the crash');

      // kill -9 while kept idle between connections: the next connect replaces it.
      await second.client.close();
      expect(isPidAlive(second.pid)).toBe(true);
      const idleExit = exitOf(second.pid, listeners);
      process.kill(second.pid, 'SIGKILL');
      expect(await idleExit).toMatchObject({ signal: 'SIGKILL', code: null });

      const third = await connect();
      expect(third.pid).not.toBe(second.pid);
      await expectWorking(third.client, 'after the idle crash');
      await third.client.close();
      await connector.close();
      expect(isPidAlive(third.pid)).toBe(false);
    } finally {
      for (const client of clients) await client.close();
      await connector.close();
    }
  });
});
