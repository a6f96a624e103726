import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { FrontSession } from '@org/core';
import { type BackendEvent, ProxyClient } from '@org/proxy-client';
import { createWorkspaceServer, within } from '@org/test-utils';
import { noopLogger } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';

// ProxyClient.sessionState on its own: per-client-session counting, the effective level, and
// what a new backend session is told, with client sessions made directly.

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

function frontSession(): FrontSession {
  return new FrontSession(new Server({ name: 'front', version: '1' }, { capabilities: {} }));
}

const COUNTED = new Set(['resources/subscribe', 'resources/unsubscribe', 'logging/setLevel']);

/** A client of the in-process workspace backend (one server per backend session, label `t`). */
function workspaceClient() {
  const servers: Server[] = [];
  const requests: string[] = [];
  let restored: () => void = () => {};
  const logger = {
    ...noopLogger,
    info: (message: string) => {
      if (message.includes('restored')) restored();
    },
  };
  const client = new ProxyClient(
    {
      name: 'ws',
      server: () => {
        const server = createWorkspaceServer({ label: 't' });
        servers.push(server);
        return {
          connect: async (transport: Transport) => {
            await server.connect(transport);
            // Count what reaches the backend, by method.
            const deliver = transport.onmessage!;
            transport.onmessage = (message, extra) => {
              if ('method' in message && COUNTED.has(message.method)) {
                const params = (message.params ?? {}) as Record<string, unknown>;
                requests.push(`${message.method} ${String(params.uri ?? params.level)}`);
              }
              deliver(message, extra);
            };
          },
        };
      },
    },
    { logger, reconnect: { initialDelayMs: 5, maxDelayMs: 50 } },
  );
  cleanup.push(() => client.dispose());
  const nextRestore = () =>
    new Promise<void>((resolve) => {
      restored = resolve;
    });
  return { client, servers, requests, nextRestore };
}

async function backendState(client: ProxyClient) {
  const result = await client.callTool('state');
  return JSON.parse((result.content[0] as { text: string }).text) as {
    level: string | null;
    subscriptions: string[];
  };
}

describe('BackendSessionState', () => {
  it('subscribes the backend once per URI, whatever the number of client sessions, and releases on close', async () => {
    const { client, requests } = workspaceClient();
    const state = client.sessionState;
    const [a, b] = [frontSession(), frontSession()];
    await Promise.all([state.subscribe(a, 'note://t/x'), state.subscribe(b, 'note://t/x')]);
    await state.subscribe(a, 'note://t/x');
    await state.subscribe(b, 'note://t/y');
    expect(requests).toEqual(['resources/subscribe note://t/x', 'resources/subscribe note://t/y']);
    expect(state.subscriptions()).toEqual(['note://t/x', 'note://t/y']);
    expect(state.subscriptionsOf(a)).toEqual(['note://t/x']);

    await state.unsubscribe(a, 'note://t/x');
    expect(requests).toHaveLength(2); // b still wants it
    await b.markClosed();
    await expect
      .poll(() => requests.slice(2).sort(), { timeout: 2000 })
      .toEqual(['resources/unsubscribe note://t/x', 'resources/unsubscribe note://t/y']);
    expect(state.hasSubscriptions).toBe(false);
    expect((await backendState(client)).subscriptions).toEqual([]);
  });

  it('sends the most verbose level, only when it changes, and recomputes it when a session closes', async () => {
    const { client, requests } = workspaceClient();
    const state = client.sessionState;
    const [a, b, c] = [frontSession(), frontSession(), frontSession()];
    await state.setLevel(a, 'warning');
    await state.setLevel(b, 'debug');
    await state.setLevel(a, 'error'); // b's debug still wins
    expect(state.level).toBe('debug');
    expect(state.levelOf(a)).toBe('error');
    expect(state.levelOf(c)).toBeUndefined();
    await b.markClosed();
    await expect.poll(() => requests, { timeout: 2000 }).toContain('logging/setLevel error');
    expect(requests).toEqual([
      'logging/setLevel warning',
      'logging/setLevel debug',
      'logging/setLevel error',
    ]);
    expect((await backendState(client)).level).toBe('error');
  });

  it('tells a new backend session everything before anything else uses it, and reports updates from it', async () => {
    const { client, servers, requests, nextRestore } = workspaceClient();
    const events: BackendEvent[] = [];
    client.onEvent((event) => events.push(event));
    const [a, b] = [frontSession(), frontSession()];
    await client.sessionState.subscribe(a, 'note://t/x');
    await client.sessionState.subscribe(b, 'note://t/y');
    await client.sessionState.setLevel(b, 'notice');
    requests.splice(0);

    // The backend session ends; the client reconnects by itself.
    const reopened = nextRestore();
    await servers[0]!.close();
    await within(reopened, 5000, 'the background reconnect');
    expect(servers).toHaveLength(2);
    expect(requests).toEqual([
      'logging/setLevel notice',
      'resources/subscribe note://t/x',
      'resources/subscribe note://t/y',
    ]);
    expect(await backendState(client)).toMatchObject({
      level: 'notice',
      subscriptions: ['note://t/x', 'note://t/y'],
    });
    await client.callTool('note_set', { name: 'y', text: 'new' });
    expect(events).toContainEqual({ type: 'resourceUpdated', uri: 'note://t/y' });
  });
});
