import { isPidAlive } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { type ChildExitInfo, ChildProcessTransport, createConnector } from '../../src/client/index';
import { newClient, stubbornServerTarget } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

const GRACE_MS = 500;

/** An `onExit` option and a promise of the first exit it reports. */
function firstExit(): { onExit: (exit: ChildExitInfo) => void; exited: Promise<ChildExitInfo> } {
  let onExit!: (exit: ChildExitInfo) => void;
  const exited = new Promise<ChildExitInfo>((resolve) => {
    onExit = resolve;
  });
  return { onExit, exited };
}

describe('closing a stdio child that does not exit on stdin EOF', () => {
  it('ends a child that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const { onExit, exited } = firstExit();
    const transport = new ChildProcessTransport(stubbornServerTarget(true), {
      killGraceMs: GRACE_MS,
      onExit,
    });
    const client = newClient();
    await client.connect(transport);
    const pid = transport.pid!;
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['pid']);

    const started = performance.now();
    await client.close();
    const took = performance.now() - started;

    expect(isPidAlive(pid)).toBe(false);
    expect(await exited).toEqual({ name: 'stubborn-server', pid, code: null, signal: 'SIGKILL' });
    // Neither stdin EOF nor SIGTERM ended it: only the SIGKILL sent after the grace period did.
    expect(took).toBeGreaterThanOrEqual(GRACE_MS - 50);
  });

  it('ends a child that honours SIGTERM with SIGTERM, without waiting for the grace period', async () => {
    const { onExit, exited } = firstExit();
    const connector = createConnector(stubbornServerTarget(false), {
      killGraceMs: 10_000,
      onExit,
    });
    try {
      const transport = (await connector.connect()) as ChildProcessTransport;
      const client = newClient();
      await client.connect(transport);
      const pid = transport.pid!;
      const started = performance.now();
      await client.close();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(isPidAlive(pid)).toBe(false);
      expect(await exited).toEqual({ name: 'stubborn-server', pid, code: null, signal: 'SIGTERM' });
    } finally {
      await connector.close();
    }
  });

  it('escalates to SIGKILL on connector close for a kept child that ignores SIGTERM', async () => {
    const { onExit, exited } = firstExit();
    const connector = createConnector(stubbornServerTarget(true, { keepAlive: true }), {
      killGraceMs: GRACE_MS,
      onExit,
    });
    const transport = (await connector.connect()) as ChildProcessTransport;
    const client = newClient();
    await client.connect(transport);
    const pid = transport.pid!;
    await client.close();
    expect(isPidAlive(pid)).toBe(true);
    await connector.close();
    expect(isPidAlive(pid)).toBe(false);
    expect(await exited).toEqual({ name: 'stubborn-server', pid, code: null, signal: 'SIGKILL' });
  });
});
