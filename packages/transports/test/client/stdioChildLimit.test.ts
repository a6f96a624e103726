import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackendConnector,
  ChildLimit,
  createConnector,
  DEFAULT_MAX_CHILDREN,
} from '../../src/client/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { callJson, type EnvReport, envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

// ConnectorOptions.childLimit: one limit across connectors; beyond it connect() is refused
// with BACKEND_UNAVAILABLE naming the backend and the limit, spawning nothing; a child that
// exits gives its place back; reusing a kept child takes none.

describe('stdio childLimit', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function connector(limit: ChildLimit, name: string, keepAlive = false): BackendConnector {
    const made = createConnector(envServerTarget({ name, stderr: 'ignore', keepAlive }), {
      childLimit: limit,
    });
    cleanup.push(() => made.close());
    return made;
  }

  async function open(made: BackendConnector): Promise<Client> {
    const client = newClient();
    await client.connect(await made.connect());
    cleanup.push(() => client.close());
    return client;
  }

  it('has a default of 100 and rejects bad values', () => {
    expect(DEFAULT_MAX_CHILDREN).toBe(100);
    expect(new ChildLimit().max).toBe(100);
    expect(new ChildLimit(0).max).toBe(Number.POSITIVE_INFINITY);
    expect(() => new ChildLimit(-2)).toThrow('Invalid maxChildren: -2');
    expect(() => new ChildLimit(2.5)).toThrow('Invalid maxChildren: 2.5');
  });

  it('refuses a child beyond the limit shared by two connectors, and makes room when one exits', async () => {
    const limit = new ChildLimit(2);
    const a = connector(limit, 'alpha');
    const b = connector(limit, 'beta');
    const first = await open(a);
    await open(b);
    expect(limit.running).toBe(2);

    const refused = await b.connect().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProxyError);
    expect((refused as ProxyError).code).toBe(ProxyErrorCode.BackendUnavailable);
    expect((refused as ProxyError).message).toBe(
      "Cannot start backend beta: the proxy's limit of 2 child processes (maxChildren, --max-children) is reached; retry when a session ends",
    );
    expect(limit.running).toBe(2);

    await first.close();
    await expect.poll(() => limit.running).toBe(1);
    const again = await open(b);
    expect((await callJson<EnvReport>(again, 'env')).pid).toBeGreaterThan(0);
    expect(limit.running).toBe(2);
  });

  it('gives the place back when the spawn fails, and a kept child is reused without a new place', async () => {
    const limit = new ChildLimit(1);
    const missing = createConnector(
      { command: 'no-such-command-for-child-limit', name: 'ghost' },
      { childLimit: limit },
    );
    cleanup.push(() => missing.close());
    const ghost = newClient();
    await expect(ghost.connect(await missing.connect())).rejects.toThrow(
      /Cannot start backend ghost/,
    );
    expect(limit.running).toBe(0);

    const kept = connector(limit, 'kept', true);
    const client = await open(kept);
    const pid = (await callJson<EnvReport>(client, 'env')).pid;
    await client.close();
    expect(limit.running).toBe(1); // the idle child still runs
    const reused = await open(kept);
    expect((await callJson<EnvReport>(reused, 'env')).pid).toBe(pid);
    expect(limit.running).toBe(1);
    await kept.close();
    await expect.poll(() => limit.running).toBe(0);
  });
});
