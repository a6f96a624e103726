import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { StatefulProxyClient } from '@org/proxy-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { connectFront } from './fixtures/front';
import { type Harness, harness, relayCall, structured } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('roots forwarding', () => {
  it('asks the front for its roots and returns them to the backend', async () => {
    const roots = [
      { uri: 'file:///x/y/z', name: 'project' },
      { uri: 'file:///tmp', _meta: { 'example.com/kind': 'scratch' } },
    ];
    h = await harness({ roots });
    const result = structured(await relayCall(h.front, 'roots'));
    expect(result.roots).toEqual(roots);
    expect(h.front.rootsAsked).toBe(1);
  });
});

describe('log forwarding', () => {
  it('forwards log messages whatever the shape of their data, with level and logger', async () => {
    h = await harness();
    const entries = [
      { level: 'info', data: 'Hello, world!' },
      { level: 'warning', data: { msg: 'structured', extra: { n: 1 } }, logger: 'app.db' },
      { level: 'error', data: 42 },
      { level: 'debug', data: ['a', { b: null }] },
      { level: 'notice', data: null, logger: 'empty' },
      { level: 'critical', data: { anything: { deeply: ['nested'] } } },
    ];
    await relayCall(h.front, 'log', { entries });
    // Forwarded before the result: every message is there when the call returns.
    expect(h.front.logs).toHaveLength(entries.length);
    expect(h.front.logs).toEqual(
      entries.map((e) => (e.logger ? e : { level: e.level, data: e.data })),
    );
  });

  it('honours the level the front asked for', async () => {
    h = await harness();
    await h.front.client.setLoggingLevel('warning');
    const entries = [
      { level: 'debug', data: 'd' },
      { level: 'info', data: 'i' },
      { level: 'warning', data: 'w' },
      { level: 'notice', data: 'n' },
      { level: 'error', data: 'e' },
    ];
    await relayCall(h.front, 'log', { entries });
    await h.front.logsReached(2);
    expect(h.front.logs.map((l) => l.data)).toEqual(['w', 'e']);
  });
});

describe('log forwarding between front requests', () => {
  it('forwards to the bound front session, honouring the level it asked for', async () => {
    const { server } = createBackend();
    const stateful = new StatefulProxyClient({ server, name: 'b' });
    const relay = createRelay(() => stateful.newStateful());
    const front = await connectFront(relay);
    const release = async () => {
      await front.close();
      await relay.close();
      await stateful.dispose();
      await server.close();
    };
    try {
      await front.client.setLoggingLevel('warning');
      await relayCall(front, 'get');
      // The backend logs on its own, with no front request in flight.
      const backendSession = server.sessions[0]!.server;
      for (const [level, data] of [
        ['debug', 'd'],
        ['info', 'i'],
        ['warning', 'w'],
        ['notice', 'n'],
        ['error', 'e'],
        ['critical', 'last'],
      ] as const) {
        await backendSession.sendLoggingMessage({ level, data });
      }
      await front.logsReached(3);
      // In order, so the ones filtered out would have arrived before the last one.
      expect(front.logs).toEqual([
        { level: 'warning', data: 'w' },
        { level: 'error', data: 'e' },
        { level: 'critical', data: 'last' },
      ]);
    } finally {
      await release();
    }
  });
});

describe('progress forwarding', () => {
  it('reports backend progress to the front under the front request’s own token', async () => {
    h = await harness();
    const seen: Progress[] = [];
    const result = await relayCall(
      h.front,
      'progress',
      { steps: 3 },
      {
        onprogress: (p) => seen.push(p),
      },
    );
    expect(result.isError).toBeFalsy();
    // The SDK client only calls onprogress for notifications carrying its request's token.
    expect(seen.map((p) => [p.progress, p.total, p.message])).toEqual([
      [1, 3, 'step 1'],
      [2, 3, 'step 2'],
      [3, 3, 'step 3'],
    ]);
  });

  it('sends nothing when the front did not ask for progress', async () => {
    h = await harness();
    const notifications: unknown[] = [];
    h.front.client.fallbackNotificationHandler = async (n) => {
      notifications.push(n);
    };
    await relayCall(h.front, 'progress', { steps: 2 });
    await relayCall(h.front, 'roots');
    expect(
      notifications.filter((n) => (n as { method: string }).method === 'notifications/progress'),
    ).toEqual([]);
  });
});

describe('forwarding during resource reads, template reads and prompt renders', () => {
  it('forwards roots/list made while the backend reads a resource', async () => {
    h = await harness({ roots: [{ uri: 'file:///from-a-read' }] });
    const result = await h.front.client.readResource({ uri: 'relay://roots' });
    expect(result.contents[0]).toMatchObject({
      uri: 'backend://roots',
      text: JSON.stringify([{ uri: 'file:///from-a-read' }]),
    });
    expect(h.front.rootsAsked).toBe(1);
  });

  it('forwards sampling made while the backend reads a templated resource', async () => {
    h = await harness({
      sampling: (params) => ({
        role: 'assistant',
        model: 'm',
        content: { type: 'text', text: `sampled ${JSON.stringify(params.messages[0]?.content)}` },
      }),
    });
    const result = await h.front.client.readResource({ uri: 'relay://sample/hello' });
    expect(result.contents[0]).toMatchObject({
      uri: 'backend://sample/hello',
      text: 'sampled {"type":"text","text":"hello"}',
    });
  });

  it('forwards elicitation made while the backend renders a prompt', async () => {
    h = await harness({ elicitation: () => ({ action: 'accept', content: { answer: 'blue' } }) });
    const result = await h.front.client.getPrompt({
      name: 'relay_prompt',
      arguments: { question: 'Favourite colour?' },
    });
    expect(result.messages[0]?.content).toEqual({ type: 'text', text: 'Favourite colour? blue' });
    expect(h.front.elicited[0]?.message).toBe('Favourite colour?');
  });
});
