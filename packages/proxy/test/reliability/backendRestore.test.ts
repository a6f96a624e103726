import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, type Logger, ProxyClient, type SessionStrategy, serveHttp } from '@org/proxy';
import {
  childPids,
  createWorkspaceServer,
  isPidAlive,
  waitFor,
  within,
  workspaceStdioCommand,
} from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory, Inbox } from '../fixtures/fronts';
import { Cleanup, textOf } from './fixtures/harness';

// Promise: when a backend session is lost while fronts are subscribed (its stdio child killed),
// the proxy reconnects in the background, without waiting for an operation, and tells the new
// backend session every front's subscriptions and the effective log level; each front then
// gets the updates of its own URIs again, and only the log messages its own level lets through.

const UPDATED = 'notifications/resources/updated';
const MESSAGE = 'notifications/message';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface BackendState {
  session: string;
  level: LoggingLevel | null;
  subscriptions: string[];
  notes: string[];
}

/** A logger whose lines can be awaited. */
function awaitableLogger() {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; count: number; resolve: () => void }> = [];
  const matching = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  const record = (level: string) => (message: string) => {
    lines.push(`[${level}] ${message}`);
    for (const waiter of [...waiters]) {
      if (matching(waiter.pattern) >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return {
    logger,
    lines,
    /** Resolves once `count` lines match `pattern` (bounded). */
    waitFor(pattern: RegExp, count = 1, ms = 15_000): Promise<void> {
      const reached = new Promise<void>((resolve) => {
        if (matching(pattern) >= count) resolve();
        else waiters.push({ pattern, count, resolve });
      });
      return within(reached, ms, `${count} log line(s) matching ${pattern}:\n${lines.join('\n')}`);
    },
  };
}

async function stateOf(client: Client): Promise<BackendState> {
  return JSON.parse(textOf(await client.callTool({ name: 'state', arguments: {} })));
}

async function whoami(client: Client): Promise<{ capabilities: Record<string, unknown> }> {
  return JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
}

function updatesOf(inbox: Inbox): unknown[] {
  return inbox.received.filter((n) => n.method === UPDATED).map((n) => n.params?.uri);
}

function messagesOf(inbox: Inbox): unknown[] {
  return inbox.received.filter((n) => n.method === MESSAGE).map((n) => n.params?.data);
}

/** A proxy of the stdio workspace backend and two fronts (a declaring sampling, b roots). */
async function setUp(strategy: SessionStrategy, prefix: string) {
  const before = new Set(childPids());
  const recorder = awaitableLogger();
  const client = new ProxyClient(
    { ...workspaceStdioCommand(prefix), name: 'workspace', stderr: 'ignore' },
    { logger: recorder.logger, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
  );
  const proxy = cleanup.add(createProxy(client, { strategy }), (p) => p.close());
  const front = async (name: string, capabilities: Record<string, unknown>): Promise<Front> =>
    cleanup.add(await frontInMemory(proxy, { capabilities }, name), (f) => f.close());
  const a = await front('a', { sampling: {} });
  const b = await front('b', { roots: {} });
  const children = () => childPids().filter((pid) => !before.has(pid));
  const allGone = () =>
    waitFor(() => children().length === 0, { what: 'every backend child to exit' });
  return { a, b, recorder, children, allGone };
}

/** Kills every backend child of this test; waits until they are gone. */
async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitFor(() => pids.every((pid) => !isPidAlive(pid)), { what: 'killed children to exit' });
}

describe('a backend child killed while fronts are subscribed', () => {
  it('shared: the one backend session is reopened in the background with both fronts’ subscriptions and the most verbose level', async () => {
    const { a, b, recorder, children, allGone } = await setUp('shared', 's');
    const [ia, ib] = [a, b].map((front) => new Inbox(front.client, [UPDATED, MESSAGE]));
    const { session } = await stateOf(a.client);
    const uriA = `note://${session}/a`;
    const uriB = `note://${session}/b`;
    await a.client.setLoggingLevel('debug');
    await b.client.setLoggingLevel('error');
    await a.client.subscribeResource({ uri: uriA });
    await b.client.subscribeResource({ uri: uriB });
    await a.client.callTool({ name: 'note_add', arguments: { name: 'before-crash' } });
    const first = children();
    expect(first).toHaveLength(1);

    await killAll(first);
    // No front does anything: the proxy reconnects on its own.
    await recorder.waitFor(/restored 2 resource subscription\(s\) and log level debug/);
    const second = children();
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);

    const restored = await stateOf(b.client);
    expect(restored.notes).toEqual([]); // a new backend session
    expect(restored.subscriptions).toEqual([uriA, uriB]);
    expect(restored.level).toBe('debug');

    // Each front hears of its own URI again, whoever changes it.
    await b.client.callTool({ name: 'note_set', arguments: { name: 'a', text: 'after' } });
    await ia!.waitFor(UPDATED);
    await a.client.callTool({ name: 'note_set', arguments: { name: 'b', text: 'after' } });
    await ib!.waitFor(UPDATED);
    await Promise.all([a.client.ping(), b.client.ping()]);
    expect(updatesOf(ia!)).toEqual([uriA]);
    expect(updatesOf(ib!)).toEqual([uriB]);

    // Levels still hold per front on the new session.
    await log(b.client, 'info', 'b-info');
    await log(b.client, 'error', 'b-error');
    await log(a.client, 'debug', 'a-debug');
    await Promise.all([ia!.waitFor(MESSAGE), ib!.waitFor(MESSAGE)]);
    expect(messagesOf(ia!)).toEqual(['a-debug']);
    expect(messagesOf(ib!)).toEqual(['b-error']);
    expect(recorder.lines.filter((line) => line.startsWith('[warn]'))).toEqual([]);

    await cleanup.run();
    await allGone();
  });

  it('per-session: each front’s own backend session is reopened with its own capabilities, subscription and level', async () => {
    const { a, b, recorder, children, allGone } = await setUp('per-session', 'p');
    const [ia, ib] = [a, b].map((front) => new Inbox(front.client, [UPDATED, MESSAGE]));
    // One child per front; each is session p1 of its own process.
    const label = (await stateOf(a.client)).session;
    expect((await stateOf(b.client)).session).toBe(label);
    const uriA = `note://${label}/a`;
    const uriB = `note://${label}/b`;
    await a.client.setLoggingLevel('debug');
    await b.client.setLoggingLevel('error');
    await a.client.subscribeResource({ uri: uriA });
    await b.client.subscribeResource({ uri: uriB });
    expect((await stateOf(a.client)).subscriptions).toEqual([uriA]);
    expect((await stateOf(b.client)).subscriptions).toEqual([uriB]);
    const first = children();
    expect(first).toHaveLength(2);

    await killAll(first);
    await recorder.waitFor(/restored 1 resource subscription\(s\) and log level/, 2);
    expect(children().filter((pid) => first.includes(pid))).toEqual([]);
    expect(children()).toHaveLength(2);

    expect(await stateOf(a.client)).toMatchObject({ subscriptions: [uriA], level: 'debug' });
    expect(await stateOf(b.client)).toMatchObject({ subscriptions: [uriB], level: 'error' });
    // Reopened with each front's own capabilities, not those of whoever was last.
    expect(Object.keys((await whoami(a.client)).capabilities)).toEqual(['sampling']);
    expect(Object.keys((await whoami(b.client)).capabilities)).toEqual(['roots']);

    await a.client.callTool({ name: 'note_set', arguments: { name: 'a', text: 'after' } });
    await ia!.waitFor(UPDATED);
    await b.client.callTool({ name: 'note_set', arguments: { name: 'b', text: 'after' } });
    await ib!.waitFor(UPDATED);
    await Promise.all([a.client.ping(), b.client.ping()]);
    expect(updatesOf(ia!)).toEqual([uriA]);
    expect(updatesOf(ib!)).toEqual([uriB]);

    await log(b.client, 'info', 'b-info');
    await log(b.client, 'error', 'b-error');
    await log(a.client, 'debug', 'a-debug');
    await Promise.all([ia!.waitFor(MESSAGE), ib!.waitFor(MESSAGE)]);
    expect(messagesOf(ia!)).toEqual(['a-debug']);
    expect(messagesOf(ib!)).toEqual(['b-error']);

    await cleanup.run();
    await allGone();
  });

  it('without background reconnect, the next operation reopens the session and restores everything before it runs', async () => {
    const before = new Set(childPids());
    const recorder = awaitableLogger();
    const client = new ProxyClient(
      { ...workspaceStdioCommand('r'), name: 'workspace', stderr: 'ignore' },
      { logger: recorder.logger, reconnect: false },
    );
    const proxy = cleanup.add(createProxy(client, { strategy: 'shared' }), (p) => p.close());
    const a = cleanup.add(await frontInMemory(proxy, {}, 'a'), (f) => f.close());
    const b = cleanup.add(await frontInMemory(proxy, {}, 'b'), (f) => f.close());
    const { session } = await stateOf(a.client);
    await a.client.setLoggingLevel('warning');
    await a.client.subscribeResource({ uri: `note://${session}/a` });
    await b.client.subscribeResource({ uri: `note://${session}/b` });
    const first = childPids().filter((pid) => !before.has(pid));
    await killAll(first);
    await recorder.waitFor(/Backend workspace closed the connection; reconnecting on next use/);
    expect(childPids().filter((pid) => !before.has(pid))).toEqual([]);

    // The first operation after the crash already sees the restored session.
    expect(await stateOf(b.client)).toMatchObject({
      notes: [],
      level: 'warning',
      subscriptions: [`note://${session}/a`, `note://${session}/b`],
    });
    await cleanup.run();
    await waitFor(() => childPids().every((pid) => before.has(pid)), {
      what: 'every backend child to exit',
    });
  });
});

describe('background reconnect', () => {
  it('is bounded: a backend that stays down gets the configured attempts, one at a time, then a warning naming it; the next operation restores everything', async () => {
    let down = false;
    let attempts = 0;
    let concurrent = 0;
    let most = 0;
    const servers: Server[] = [];
    const recorder = awaitableLogger();
    const client = new ProxyClient(
      {
        name: 'flaky',
        server: async () => {
          if (down) {
            attempts += 1;
            concurrent += 1;
            most = Math.max(most, concurrent);
            await new Promise((resolve) => setImmediate(resolve));
            concurrent -= 1;
            throw new Error('backend is down');
          }
          const server = createWorkspaceServer({ label: 'fl' });
          servers.push(server);
          return server;
        },
      },
      {
        logger: recorder.logger,
        reconnect: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      },
    );
    const proxy = cleanup.add(createProxy(client, { strategy: 'shared' }), (p) => p.close());
    const a = cleanup.add(await frontInMemory(proxy, {}, 'a'), (f) => f.close());
    const b = cleanup.add(await frontInMemory(proxy, {}, 'b'), (f) => f.close());
    await a.client.subscribeResource({ uri: 'note://fl/a' });
    await b.client.subscribeResource({ uri: 'note://fl/b' });

    down = true;
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await recorder.waitFor(
      /\[warn\] Backend flaky: gave up reconnecting in the background after 3 attempts/,
    );
    expect(attempts).toBe(3);
    expect(most).toBe(1);
    expect(
      recorder.lines.filter((line) => /background reconnect \d of 3 failed/.test(line)),
    ).toHaveLength(3);

    down = false;
    expect((await stateOf(a.client)).subscriptions).toEqual(['note://fl/a', 'note://fl/b']);
    expect(attempts).toBe(3);
  });

  it('stops when the proxy closes', async () => {
    const servers: Server[] = [];
    let connects = 0;
    const recorder = awaitableLogger();
    const client = new ProxyClient(
      {
        name: 'closing',
        server: () => {
          connects += 1;
          const server = createWorkspaceServer({ label: 'cl' });
          servers.push(server);
          return server;
        },
      },
      { logger: recorder.logger, reconnect: { initialDelayMs: 50 } },
    );
    const proxy = createProxy(client, { strategy: 'shared' });
    const a = await frontInMemory(proxy, {}, 'a');
    const b = await frontInMemory(proxy, {}, 'b');
    await a.client.subscribeResource({ uri: 'note://cl/a' });
    await b.client.subscribeResource({ uri: 'note://cl/b' });
    const before = connects;
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await recorder.waitFor(/reconnecting in the background to restore 2 resource subscription/);
    await proxy.close();
    await a.close();
    await b.close();
    // Nothing to await for something that must not happen: wait longer than the first
    // attempt's delay, after which an attempt that was not stopped would have connected.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(connects).toBe(before);
  });
});

describe('an HTTP backend that forgot the session (404, as after a restart)', () => {
  it.each<SessionStrategy>(['shared', 'per-session'])(
    '%s: the new backend session gets every front’s subscriptions and level back before the request is sent again',
    async (strategy) => {
      // One label for every backend session: its note URIs outlive a session, as a real
      // backend's resources would.
      const servers: Server[] = [];
      const backend = {
        connect: async (transport: Parameters<Server['connect']>[0]) => {
          const server = createWorkspaceServer({ label: 'ws' });
          servers.push(server);
          await server.connect(transport);
        },
      };
      const http = cleanup.add(await serveHttp(backend, { port: 0 }), (h) => h.close());
      const recorder = awaitableLogger();
      const client = new ProxyClient(http.url, { name: 'workspace', logger: recorder.logger });
      const proxy = cleanup.add(createProxy(client, { strategy }), (p) => p.close());
      const a = cleanup.add(await frontInMemory(proxy, {}, 'a'), (f) => f.close());
      const b = cleanup.add(await frontInMemory(proxy, {}, 'b'), (f) => f.close());
      const [ia, ib] = [a, b].map((front) => new Inbox(front.client, [UPDATED]));
      await a.client.setLoggingLevel('info');
      await b.client.setLoggingLevel('critical');
      await a.client.subscribeResource({ uri: 'note://ws/a' });
      await b.client.subscribeResource({ uri: 'note://ws/b' });
      await a.client.callTool({ name: 'note_add', arguments: { name: 'old' } });

      // The backend forgets every session.
      await Promise.all(servers.splice(0).map((server) => server.close()));
      await waitFor(() => http.sessionCount() === 0, { what: 'the backend sessions to end' });

      // An idempotent request meets the 404, reopens, restores, and is sent again.
      await a.client.ping();
      await b.client.ping();
      const stateA = await stateOf(a.client);
      const stateB = await stateOf(b.client);
      expect(stateA.notes).toEqual([]);
      if (strategy === 'shared') {
        expect(stateA).toMatchObject({
          subscriptions: ['note://ws/a', 'note://ws/b'],
          level: 'info',
        });
        expect(stateB).toEqual(stateA);
      } else {
        expect(stateA).toMatchObject({ subscriptions: ['note://ws/a'], level: 'info' });
        expect(stateB).toMatchObject({ subscriptions: ['note://ws/b'], level: 'critical' });
      }
      await a.client.callTool({ name: 'note_set', arguments: { name: 'a', text: 'x' } });
      await ia!.waitFor(UPDATED);
      await b.client.callTool({ name: 'note_set', arguments: { name: 'b', text: 'x' } });
      await ib!.waitFor(UPDATED);
      await Promise.all([a.client.ping(), b.client.ping()]);
      expect(updatesOf(ia!)).toEqual(['note://ws/a']);
      expect(updatesOf(ib!)).toEqual(['note://ws/b']);
    },
  );
});

async function log(client: Client, level: LoggingLevel, message: string): Promise<void> {
  await client.callTool({ name: 'log', arguments: { level, message } });
}
