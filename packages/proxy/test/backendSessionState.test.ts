import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, type ProxyServer, type SessionStrategy } from '@org/proxy';
import { createWorkspaceServer, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory, Inbox } from './fixtures/fronts';

// Per-client-session state on a backend session: subscriptions and log levels are kept per
// client session, released when it closes; the backend's level is the most verbose asked for,
// and each client gets only the messages its own level lets through.

const UPDATED = 'notifications/resources/updated';
const MESSAGE = 'notifications/message';

/** What the workspace backend's `state` tool reports about its session. */
interface BackendState {
  session: string;
  level: LoggingLevel | null;
  subscriptions: string[];
  notes: string[];
}

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
});

/** A proxy of the workspace backend (one backend server per backend session) and `count` fronts. */
async function setUp(strategy: SessionStrategy, count: number): Promise<Front[]> {
  proxy = createProxy(
    { server: { connect: (transport) => createWorkspaceServer().connect(transport) } },
    { strategy },
  );
  const made = await Promise.all(
    Array.from({ length: count }, (_, i) => frontInMemory(proxy!, {}, `f${i}`)),
  );
  fronts.push(...made);
  return made;
}

async function stateOf(client: Client): Promise<BackendState> {
  const result = await client.callTool({ name: 'state', arguments: {} });
  const item = (result.content as Array<{ type: string; text?: string }>)[0];
  return JSON.parse(item?.text ?? '{}') as BackendState;
}

async function log(client: Client, level: LoggingLevel, message: string): Promise<void> {
  await client.callTool({ name: 'log', arguments: { level, message } });
}

describe('shared: one backend session for several fronts', () => {
  it('counts subscriptions and levels per front, filters logs per front, and releases both when a front closes', async () => {
    const [a, b, c] = await setUp('shared', 3);
    const inboxes = [a!, b!, c!].map((front) => new Inbox(front.client, [UPDATED, MESSAGE]));
    const [ia, ib, ic] = inboxes;
    const { session } = await stateOf(a!.client);
    const uriA = `note://${session}/a`;
    const uriB = `note://${session}/b`;

    await a!.client.setLoggingLevel('debug');
    await b!.client.setLoggingLevel('error');
    // c never sets a level: it does not pull the backend's level down.
    await a!.client.subscribeResource({ uri: uriA });
    await b!.client.subscribeResource({ uri: uriB });
    await b!.client.subscribeResource({ uri: uriA });
    await b!.client.unsubscribeResource({ uri: uriA });

    const shared = await stateOf(c!.client);
    expect(shared.session).toBe(session);
    expect(shared.subscriptions).toEqual([uriA, uriB]);
    expect(shared.level).toBe('debug');

    // An update reaches the front subscribed to that URI, whoever caused it.
    await b!.client.callTool({ name: 'note_set', arguments: { name: 'a', text: '1' } });
    await ia!.waitFor(UPDATED);
    await a!.client.callTool({ name: 'note_set', arguments: { name: 'b', text: '1' } });
    await ib!.waitFor(UPDATED);
    await c!.client.ping();
    expect(ia!.received.filter((n) => n.method === UPDATED).map((n) => n.params?.uri)).toEqual([
      uriA,
    ]);
    expect(ib!.received.filter((n) => n.method === UPDATED).map((n) => n.params?.uri)).toEqual([
      uriB,
    ]);
    expect(ic!.count(UPDATED)).toBe(0);

    // The backend logs at debug (a's level), but b gets only error and above.
    await log(b!.client, 'info', 'b-info');
    await log(b!.client, 'error', 'b-error');
    await log(a!.client, 'info', 'a-info');
    await log(c!.client, 'debug', 'c-debug');
    await Promise.all([ia!.waitFor(MESSAGE), ib!.waitFor(MESSAGE), ic!.waitFor(MESSAGE)]);
    const messages = (inbox: Inbox) =>
      inbox.received.filter((n) => n.method === MESSAGE).map((n) => n.params?.data);
    expect(messages(ia!)).toEqual(['a-info']);
    expect(messages(ib!)).toEqual(['b-error']);
    expect(messages(ic!)).toEqual(['c-debug']);

    // a closes without unsubscribing: its subscription and its level are released.
    await a!.close();
    fronts.splice(fronts.indexOf(a!), 1);
    await waitFor(
      async () => {
        const now = await stateOf(c!.client);
        return now.subscriptions.length === 1 && now.level === 'error';
      },
      { what: "a's subscription and level to be released" },
    );
    expect(await stateOf(c!.client)).toMatchObject({ subscriptions: [uriB], level: 'error' });
    await log(c!.client, 'info', 'dropped at the backend');
    await log(c!.client, 'error', 'c-error');
    await ic!.waitFor(MESSAGE, 2);
    expect(messages(ic!)).toEqual(['c-debug', 'c-error']);

    // b closes too: nothing is subscribed; the backend keeps the last level (MCP cannot unset it).
    await b!.close();
    fronts.splice(fronts.indexOf(b!), 1);
    await waitFor(async () => (await stateOf(c!.client)).subscriptions.length === 0, {
      what: "b's subscription to be released",
    });
    expect(await stateOf(c!.client)).toMatchObject({ subscriptions: [], level: 'error' });
  });

  it('a front subscribing after another closed subscribes the backend again', async () => {
    const [a, b] = await setUp('shared', 2);
    const { session } = await stateOf(a!.client);
    const uri = `note://${session}/n`;
    await a!.client.subscribeResource({ uri });
    await a!.close();
    fronts.splice(fronts.indexOf(a!), 1);
    await waitFor(async () => (await stateOf(b!.client)).subscriptions.length === 0, {
      what: "a's subscription to be released",
    });
    const inbox = new Inbox(b!.client, [UPDATED]);
    await b!.client.subscribeResource({ uri });
    expect((await stateOf(b!.client)).subscriptions).toEqual([uri]);
    await b!.client.callTool({ name: 'note_set', arguments: { name: 'n', text: 'x' } });
    await inbox.waitFor(UPDATED);
  });
});

describe('per-session: one backend session per front', () => {
  it('each backend session has the subscriptions and level of its own front only', async () => {
    const [a, b] = await setUp('per-session', 2);
    const sa = (await stateOf(a!.client)).session;
    const sb = (await stateOf(b!.client)).session;
    expect(sa).not.toBe(sb);
    await a!.client.setLoggingLevel('debug');
    await b!.client.setLoggingLevel('error');
    await a!.client.subscribeResource({ uri: `note://${sa}/a` });
    await b!.client.subscribeResource({ uri: `note://${sb}/b` });
    expect(await stateOf(a!.client)).toMatchObject({
      session: sa,
      level: 'debug',
      subscriptions: [`note://${sa}/a`],
    });
    expect(await stateOf(b!.client)).toMatchObject({
      session: sb,
      level: 'error',
      subscriptions: [`note://${sb}/b`],
    });
    const [ia, ib] = [a!, b!].map((front) => new Inbox(front.client, [MESSAGE]));
    await log(b!.client, 'info', 'b-info');
    await log(b!.client, 'error', 'b-error');
    await log(a!.client, 'info', 'a-info');
    await Promise.all([ia!.waitFor(MESSAGE), ib!.waitFor(MESSAGE)]);
    expect(ia!.received.map((n) => n.params?.data)).toEqual(['a-info']);
    expect(ib!.received.map((n) => n.params?.data)).toEqual(['b-error']);
  });
});
