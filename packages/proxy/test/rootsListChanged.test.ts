import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  createProxy,
  ProxyClient,
  type ProxyClientOptions,
  type SessionStrategy,
} from '@org/proxy';
import { createWorkspaceServer, workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type NamedFront, namedFront, workspaceCall } from './fixtures/workspaceFronts';

const ROOTS = { roots: { listChanged: true } };

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});

/** A proxy of a workspace backend in this process; `sessions` lists the backend sessions opened. */
function inProcessProxy(
  strategy: SessionStrategy,
  options: ProxyClientOptions = {},
): { proxy: ReturnType<typeof createProxy>; sessions: string[] } {
  const sessions: string[] = [];
  const target = {
    server: {
      connect: (t: Transport) =>
        createWorkspaceServer({ prefix: 'r', onSession: (label) => sessions.push(label) }).connect(
          t,
        ),
    },
  };
  const proxy = createProxy(new ProxyClient(target, options), { strategy });
  closers.push(() => proxy.close());
  return { proxy, sessions };
}

async function front(...args: Parameters<typeof namedFront>): Promise<NamedFront> {
  const made = await namedFront(...args);
  closers.push(() => made.close());
  return made;
}

const rootsChanged = async (f: NamedFront) => (await workspaceCall(f, 'state')).rootsChanged;

/** Nothing arrives: waits a little beyond the time the proxy takes to pass a notification on. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('notifications/roots/list_changed from a front', () => {
  it('reaches the backend session of that front only (per-session, in process)', async () => {
    const { proxy, sessions } = inProcessProxy('per-session');
    const a = await front(proxy, 'a', ROOTS);
    const b = await front(proxy, 'b', ROOTS);
    const c = await front(proxy, 'c', ROOTS);
    const [sa, sb] = [await workspaceCall(a, 'whoami'), await workspaceCall(b, 'whoami')];
    expect(sa.session).not.toBe(sb.session);
    expect(sa.capabilities).toEqual(ROOTS);
    // Each front's initialize opened its backend session (to learn what the backend offers).
    expect(sessions).toHaveLength(3);
    await a.client.sendRootsListChanged();
    await expect.poll(() => rootsChanged(a)).toBe(1);
    await c.client.sendRootsListChanged();
    await a.client.sendRootsListChanged();
    await expect.poll(() => rootsChanged(a)).toBe(2);
    await expect.poll(() => rootsChanged(c)).toBe(1);
    expect(await rootsChanged(b)).toBe(0);
    expect(sessions).toHaveLength(3);
  });

  it('reaches the stdio child of that front only (per-session)', async () => {
    const proxy = createProxy(new ProxyClient(workspaceStdioCommand('c')));
    closers.push(() => proxy.close());
    const a = await front(proxy, 'a', ROOTS);
    const b = await front(proxy, 'b', ROOTS);
    expect([await rootsChanged(a), await rootsChanged(b)]).toEqual([0, 0]);
    await b.client.sendRootsListChanged();
    await expect.poll(() => rootsChanged(b)).toBe(1);
    expect(await rootsChanged(a)).toBe(0);
  });

  it('is not passed on when the backend was not told roots with listChanged', async () => {
    const { proxy } = inProcessProxy('per-session', { capabilities: { roots: {} } });
    const a = await front(proxy, 'a', ROOTS);
    const b = await front(proxy, 'b', ROOTS);
    expect((await workspaceCall(a, 'whoami')).capabilities).toEqual({ roots: {} });
    expect(await rootsChanged(b)).toBe(0);
    await a.client.sendRootsListChanged();
    await settle();
    expect([await rootsChanged(a), await rootsChanged(b)]).toEqual([0, 0]);
  });

  it('is not passed on to a shared backend session, which is told roots without listChanged', async () => {
    const { proxy, sessions } = inProcessProxy('shared');
    const a = await front(proxy, 'a', ROOTS);
    const b = await front(proxy, 'b', ROOTS);
    const [sa, sb] = [await workspaceCall(a, 'whoami'), await workspaceCall(b, 'whoami')];
    expect(sa.session).toBe(sb.session);
    expect((sa.capabilities as { roots?: unknown }).roots).toEqual({});
    await a.client.sendRootsListChanged();
    await settle();
    expect(await rootsChanged(b)).toBe(0);
    expect(sessions).toHaveLength(1);
    // Its roots are asked within the request that needs them, of the front making it.
    expect((await workspaceCall(b, 'roots')).roots).toEqual([{ uri: 'file:///b', name: 'b' }]);
    expect((await workspaceCall(a, 'roots')).roots).toEqual([{ uri: 'file:///a', name: 'a' }]);
  });
});
