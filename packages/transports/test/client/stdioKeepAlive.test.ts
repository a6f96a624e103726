import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isPidAlive } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackendConnector,
  type ChildExitInfo,
  type ChildProcessTransport,
  createConnector,
} from '../../src/client/index';
import { callJson, type EnvReport, envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

describe('stdio keepAlive', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function open(connector: BackendConnector): Promise<[Client, ChildProcessTransport]> {
    const transport = (await connector.connect()) as ChildProcessTransport;
    const client = newClient();
    await client.connect(transport);
    cleanup.push(() => client.close());
    return [client, transport];
  }

  function exitOf(
    pid: number,
    exits: Array<(exit: ChildExitInfo) => void>,
  ): Promise<ChildExitInfo> {
    return new Promise((resolve) => {
      exits.push((exit) => {
        if (exit.pid === pid) resolve(exit);
      });
    });
  }

  it('reuses one child across connections, restarts it after a crash, and kills it on close', async () => {
    const listeners: Array<(exit: ChildExitInfo) => void> = [];
    const connector = createConnector(envServerTarget({ keepAlive: true, stderr: 'ignore' }), {
      onExit: (exit) => {
        for (const listener of listeners) listener(exit);
      },
    });
    cleanup.push(() => connector.close());

    const [first, firstTransport] = await open(connector);
    const pid = (await callJson<EnvReport>(first, 'env')).pid;
    expect(firstTransport.pid).toBe(pid);
    let firstMessagesAfterClose = 0;
    await first.close();
    firstTransport.onmessage = () => {
      firstMessagesAfterClose++;
    };
    expect(isPidAlive(pid)).toBe(true);

    const [second, secondTransport] = await open(connector);
    expect(secondTransport.pid).toBe(pid);
    expect((await callJson<EnvReport>(second, 'env')).pid).toBe(pid);
    expect(firstMessagesAfterClose).toBe(0);

    // A second connection while the kept child is in use gets a child of its own.
    const [third, thirdTransport] = await open(connector);
    expect(thirdTransport.pid).not.toBe(pid);
    const thirdPid = thirdTransport.pid!;
    const thirdExit = exitOf(thirdPid, listeners);
    await second.close();
    await third.close();
    // The kept child was returned first: the third one was surplus and is gone.
    expect((await thirdExit).pid).toBe(thirdPid);
    expect(isPidAlive(thirdPid)).toBe(false);
    expect(isPidAlive(pid)).toBe(true);

    // The kept child dies while idle: the next connect restarts it.
    const idleExit = exitOf(pid, listeners);
    process.kill(pid, 'SIGKILL');
    expect(await idleExit).toMatchObject({ name: 'env-server', signal: 'SIGKILL', code: null });
    const [fourth, fourthTransport] = await open(connector);
    const newPid = fourthTransport.pid!;
    expect(newPid).not.toBe(pid);
    expect((await callJson<EnvReport>(fourth, 'env')).pid).toBe(newPid);
    await fourth.close();
    expect(isPidAlive(newPid)).toBe(true);

    await connector.close();
    expect(isPidAlive(newPid)).toBe(false);
    await expect(connector.connect()).rejects.toThrow('Connector is closed: env-server');
  });

  it('closes open connections and kills their children on connector close', async () => {
    const connector = createConnector(envServerTarget({ keepAlive: true, stderr: 'ignore' }));
    cleanup.push(() => connector.close());
    const [client, transport] = await open(connector);
    let clientClosed = false;
    client.onclose = () => {
      clientClosed = true;
    };
    await connector.close();
    expect(clientClosed).toBe(true);
    expect(isPidAlive(transport.pid!)).toBe(false);
  });
});
