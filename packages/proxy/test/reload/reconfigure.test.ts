import { createProxy, type ProxyServer, Readiness, type ReloadEvent, serveHttp } from '@org/proxy';
import { childPids, isPidAlive, waitFor, within, workspaceStdioCommand } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontHttp, frontInMemory, Inbox } from '../fixtures/fronts';
import { callJson, toolNames } from '../isolation/fixtures';
import { Cleanup, recordingLogger } from '../reliability/fixtures/harness';

const TOOLS_CHANGED = 'notifications/tools/list_changed';
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface State {
  session: string;
  notes: string[];
}

/** A proxy of `config` served over HTTP on loopback, and `count` clients of it. */
async function serve(
  config: { mcpServers: Record<string, unknown> },
  count: number,
): Promise<{ proxy: ProxyServer; fronts: Front[] }> {
  const proxy = cleanup.add(createProxy(config), (p) => p.close());
  const http = cleanup.add(await serveHttp(proxy, { host: '127.0.0.1', port: 0 }), (h) =>
    h.close(),
  );
  const fronts = await within(
    Promise.all(Array.from({ length: count }, (_, i) => frontHttp(http.url, {}, `front-${i}`))),
    15_000,
    'the clients to connect',
  );
  for (const front of fronts) cleanup.add(front, (f) => f.close());
  return { proxy, fronts };
}

describe('reconfigure: a new config while clients are connected', () => {
  it('keeps the sessions of a server that stays, adds a server, and tells every client', async () => {
    const a = workspaceStdioCommand('a');
    const { proxy, fronts } = await serve({ mcpServers: { a } }, 2);
    // Each client leaves its own state in its own backend session.
    const before: State[] = [];
    for (const [index, front] of fronts.entries()) {
      await front.client.callTool({
        name: 'note_add',
        arguments: { name: `mine-${index}`, text: 'x' },
      });
      before.push(await callJson<State>(front.client, 'state'));
    }
    expect(before.map((state) => state.notes)).toEqual([['mine-0'], ['mine-1']]);
    const inboxes = fronts.map((front) => new Inbox(front.client, [TOOLS_CHANGED]));

    const report = await proxy.reconfigure({
      mcpServers: { a, b: workspaceStdioCommand('b') },
    });
    expect(report).toEqual({
      added: ['b'],
      removed: [],
      restarted: [],
      updated: ['a'],
      unchanged: [],
      renamed: true,
    });
    await within(
      Promise.all(inboxes.map((inbox) => inbox.waitFor(TOOLS_CHANGED))),
      10_000,
      'tools/list_changed at every client',
    );
    for (const [index, front] of fronts.entries()) {
      const names = await toolNames(front.client);
      expect(names).toContain('a_state');
      expect(names).toContain('b_state');
      expect(names).not.toContain('state');
      // The same backend session as before the reload, with this client's state only.
      expect(await callJson<State>(front.client, 'a_state')).toMatchObject({
        session: before[index]!.session,
        notes: [`mine-${index}`],
      });
    }
    // The added server gets a backend session per client too.
    await fronts[0]!.client.callTool({ name: 'b_note_add', arguments: { name: 'only-0' } });
    const added = await Promise.all(
      fronts.map((front) => callJson<State>(front.client, 'b_state')),
    );
    expect(added.map((state) => state.session[0])).toEqual(['b', 'b']);
    expect(added.map((state) => state.notes)).toEqual([['only-0'], []]);
    expect(proxy.backends.map((backend) => backend.name)).toEqual(['a', 'b']);
  });

  it('restarts a server whose command changed and stops the children of a removed one', async () => {
    const { proxy, fronts } = await serve(
      { mcpServers: { a: workspaceStdioCommand('a'), b: workspaceStdioCommand('b') } },
      2,
    );
    for (const front of fronts) {
      await front.client.callTool({ name: 'a_note_add', arguments: { name: 'kept?', text: 'x' } });
      await callJson(front.client, 'b_state');
    }
    const children = childPids();
    expect(children.length).toBeGreaterThanOrEqual(4);
    const inboxes = fronts.map((front) => new Inbox(front.client, [TOOLS_CHANGED]));

    const report = await proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a2-') } });
    expect(report).toMatchObject({ added: [], removed: ['b'], restarted: ['a'], renamed: true });
    // Every child of the old config is gone: b's were removed, a's were replaced.
    await waitFor(() => children.every((pid) => !isPidAlive(pid)), {
      what: 'the children of the old config to exit',
      timeoutMs: 10_000,
    });
    await within(
      Promise.all(inboxes.map((inbox) => inbox.waitFor(TOOLS_CHANGED))),
      10_000,
      'tools/list_changed at every client',
    );
    const states = await Promise.all(fronts.map((front) => callJson<State>(front.client, 'state')));
    for (const state of states) {
      expect(state.session.startsWith('a2-')).toBe(true);
      expect(state.notes).toEqual([]);
    }
    expect(await toolNames(fronts[0]!.client)).not.toContain('b_state');
  });

  it('fails a call in flight on a removed server with an error, and serves the others', async () => {
    const { proxy, fronts } = await serve(
      { mcpServers: { a: workspaceStdioCommand('a'), b: workspaceStdioCommand('b') } },
      1,
    );
    const client = fronts[0]!.client;
    await callJson(client, 'b_state');
    // In flight at the backend: its first progress notification arrived.
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = client.callTool(
      { name: 'b_tick', arguments: { steps: 200, intervalMs: 50 } },
      undefined,
      { onprogress: () => started(), timeout: 30_000 },
    );
    const outcome = slow.then(
      (result) => ({ ok: !result.isError, text: JSON.stringify(result.content) }),
      (error: Error) => ({ ok: false, text: error.message }),
    );
    await within(running, 10_000, 'the first progress of the slow call');
    await proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a') } });
    const settled = await within(outcome, 10_000, 'the call on the removed server to end');
    expect(settled.ok).toBe(false);
    expect(settled.text).toMatch(/\bb\b/);
    expect((await callJson<State>(client, 'state')).session.startsWith('a')).toBe(true);
  });

  it('rejects an invalid config, naming the field, and goes on serving the old one', async () => {
    const { proxy, fronts } = await serve({ mcpServers: { a: workspaceStdioCommand('a') } }, 2);
    const before = await Promise.all(fronts.map((f) => callJson<State>(f.client, 'state')));
    const inboxes = fronts.map((front) => new Inbox(front.client, [TOOLS_CHANGED]));
    const reloads: ReloadEvent[] = [];
    proxy.observer.on('reload', (event) => reloads.push(event));
    await expect(
      proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a'), b: { command: 42 } } }),
    ).rejects.toThrow(/mcpServers\.b\.command/);
    await expect(proxy.reconfigure({ servers: 'nope' })).rejects.toThrow(/config/i);
    const after = await Promise.all(fronts.map((f) => callJson<State>(f.client, 'state')));
    expect(after.map((s) => s.session)).toEqual(before.map((s) => s.session));
    expect(inboxes.every((inbox) => inbox.count(TOOLS_CHANGED) === 0)).toBe(true);
    // Still reconfigurable after a rejected config.
    const report = await proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a') } });
    expect(report).toMatchObject({ unchanged: ['a'], renamed: false });
    // Each attempt reported for the metrics: two refused (with their error), one applied.
    expect(reloads.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'ok']);
    expect(reloads[0]!.error).toMatch(/mcpServers\.b\.command/);
    expect(reloads[2]).toEqual({ outcome: 'ok', added: 0, removed: 0, restarted: 0 });
  });

  it('has readiness follow the servers a reload adds and removes', async () => {
    const { proxy } = await serve({ mcpServers: { a: workspaceStdioCommand('a') } }, 1);
    const readiness = cleanup.add(new Readiness(proxy), (r) => r.close());
    expect((await readiness.check()).status).toBe('ready');
    // A required server that cannot start makes the proxy unready...
    const dead = { command: process.execPath, args: ['-e', 'process.exit(3)'], required: true };
    await proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a'), dead } });
    const unready = await readiness.check();
    expect(unready.status).toBe('unready');
    expect(unready.backends.map((b) => [b.name, b.state, b.required])).toEqual([
      ['a', 'up', false],
      ['dead', 'down', true],
    ]);
    // ...and removing it makes it ready again.
    await proxy.reconfigure({ mcpServers: { a: workspaceStdioCommand('a') } });
    const ready = await readiness.check();
    expect(ready.status).toBe('ready');
    expect(ready.backends.map((b) => b.name)).toEqual(['a']);
  });

  it('keeps the health of a server that stays down across a reload', async () => {
    const logger = recordingLogger();
    const dead = { url: 'http://127.0.0.1:1/mcp' };
    const config = { mcpServers: { a: workspaceStdioCommand('a'), dead } };
    const proxy = cleanup.add(
      createProxy(config, { logger, retryInitialMs: 60_000, retryMaxMs: 60_000 }),
      (p) => p.close(),
    );
    const front = cleanup.add(await frontInMemory(proxy), (f) => f.close());
    expect(await toolNames(front.client)).toContain('a_state');
    const down = proxy.health()!.find((h) => h.name === 'dead')!;
    expect(down.state).toBe('down');
    await proxy.reconfigure({
      mcpServers: { ...config.mcpServers, b: workspaceStdioCommand('b') },
    });
    expect(await toolNames(front.client)).toContain('b_state');
    const after = proxy.health()!.find((h) => h.name === 'dead')!;
    expect(after).toMatchObject({ state: 'down', since: down.since });
    // Reported down once, not again for the reload.
    const warned = logger.lines.filter((l) => l.level === 'warn' && l.text.includes('dead'));
    expect(warned).toHaveLength(1);
  });

  it('refuses to reconfigure a proxy that was not made from a config', async () => {
    const proxy = cleanup.add(createProxy(workspaceStdioCommand('x')), (p) => p.close());
    await expect(proxy.reconfigure({ mcpServers: {} })).rejects.toThrow(
      /not made from an mcpServers config/,
    );
  });

  it('tells a server added by a reload the log level each client asked for', async () => {
    const a = workspaceStdioCommand('a');
    const { proxy, fronts } = await serve({ mcpServers: { a } }, 2);
    await fronts[0]!.client.setLoggingLevel('debug');
    await fronts[1]!.client.setLoggingLevel('error');
    await proxy.reconfigure({ mcpServers: { a, b: workspaceStdioCommand('b') } });
    const levels = await Promise.all(
      fronts.map((front) =>
        callJson<{ session: string; level: string | null }>(front.client, 'b_state'),
      ),
    );
    // Per-session backends (children count their labels from 1): each client's own backend
    // session has the level that client asked for.
    expect(levels.map((state) => [state.session[0], state.level])).toEqual([
      ['b', 'debug'],
      ['b', 'error'],
    ]);
  });
});
