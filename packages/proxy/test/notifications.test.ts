import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  createProxy,
  definePrompt,
  defineTool,
  type HttpServerHandle,
  type ProviderServer,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory, Inbox } from './fixtures/fronts';

const TOOLS_CHANGED = 'notifications/tools/list_changed';
const PROMPTS_CHANGED = 'notifications/prompts/list_changed';
const UPDATED = 'notifications/resources/updated';

let proxy: ProxyServer | undefined;
const handles: HttpServerHandle[] = [];
const fronts: Front[] = [];

async function connect(made: ProxyServer, count: number): Promise<Front[]> {
  proxy = made;
  const made_ = await Promise.all(
    Array.from({ length: count }, (_, i) => frontInMemory(made, {}, `f${i}`)),
  );
  fronts.push(...made_);
  return made_;
}

function loggingBackend(server: ProviderServer): ProviderServer {
  server.add(
    defineTool({
      name: 'log',
      input: z.object({ text: z.string() }),
      handler: async ({ text }, context) => {
        await context?.log('info', { msg: text }, 'backend');
        await context?.log('debug', 'detail', 'backend');
        return 'logged';
      },
    }),
  );
  return server;
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

describe('backend list_changed', () => {
  it('is forwarded once to every front and invalidates that kind only', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const [a, b] = await connect(createProxy(backend), 2);
    const inboxes = [a!, b!].map(
      (front) => new Inbox(front.client, [TOOLS_CHANGED, PROMPTS_CHANGED]),
    );
    await a!.client.listTools();
    await a!.client.listPrompts();
    backend.reset();
    server.local.add(defineTool({ name: 'late', handler: () => 'late' }));
    await Promise.all(inboxes.map((inbox) => inbox.waitFor(TOOLS_CHANGED)));
    // One more round trip lets any duplicate arrive before counting.
    await Promise.all([a!.client.ping(), b!.client.ping()]);
    expect(inboxes.map((inbox) => inbox.count(TOOLS_CHANGED))).toEqual([1, 1]);
    expect(inboxes.map((inbox) => inbox.count(PROMPTS_CHANGED))).toEqual([0, 0]);
    const late = await b!.client.callTool({ name: 'late', arguments: {} });
    expect(late.content).toEqual([{ type: 'text', text: 'late' }]);
    await a!.client.getPrompt({ name: 'welcome', arguments: { name: 'x' } });
    expect(backend.count('tools/list')).toBe(1);
    expect(backend.count('prompts/list')).toBe(0);
  });

  it('reaches every front with the shared strategy too', async () => {
    const server = demoBackend();
    const [a, b] = await connect(createProxy(server, { strategy: 'shared' }), 2);
    const inboxes = [a!, b!].map((front) => new Inbox(front.client, [PROMPTS_CHANGED]));
    await a!.client.listPrompts();
    server.local.add(definePrompt({ name: 'late', render: () => 'late' }));
    await Promise.all(inboxes.map((inbox) => inbox.waitFor(PROMPTS_CHANGED)));
    expect((await b!.client.listPrompts()).prompts.map((p) => p.name)).toContain('late');
  });
});

describe('resource subscriptions', () => {
  it('subscribe and unsubscribe reach the backend, and updates reach the subscriber only', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const [a, b] = await connect(createProxy(backend), 2);
    const inboxes = [a!, b!].map((front) => new Inbox(front.client, [UPDATED]));
    await a!.client.subscribeResource({ uri: 'resource://wave' });
    await a!.client.subscribeResource({ uri: 'data://user/1' });
    const subscribed = backend.requests.filter((r) => r.method === 'resources/subscribe');
    expect(subscribed.map((r) => r.params?.uri)).toEqual(['resource://wave', 'data://user/1']);
    server.notifyResourceUpdated('resource://wave');
    server.notifyResourceUpdated('data://user/1');
    await inboxes[0]!.waitFor(UPDATED, 2);
    expect(inboxes[0]!.received.map((n) => n.params?.uri)).toEqual([
      'resource://wave',
      'data://user/1',
    ]);
    await b!.client.ping();
    expect(inboxes[1]!.count(UPDATED)).toBe(0);
    await a!.client.unsubscribeResource({ uri: 'resource://wave' });
    expect(
      backend.requests
        .filter((r) => r.method === 'resources/unsubscribe')
        .map((r) => r.params?.uri),
    ).toEqual(['resource://wave']);
  });

  it('a shared backend session stays subscribed while any front is', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const [a, b] = await connect(createProxy(backend, { strategy: 'shared' }), 2);
    const inboxes = [a!, b!].map((front) => new Inbox(front.client, [UPDATED]));
    await a!.client.subscribeResource({ uri: 'resource://wave' });
    await b!.client.subscribeResource({ uri: 'resource://wave' });
    await a!.client.subscribeResource({ uri: 'resource://wave' });
    await a!.client.unsubscribeResource({ uri: 'resource://wave' });
    server.notifyResourceUpdated('resource://wave');
    await inboxes[1]!.waitFor(UPDATED);
    await a!.client.ping();
    expect(inboxes[0]!.count(UPDATED)).toBe(0);
    await b!.client.unsubscribeResource({ uri: 'resource://wave' });
    const methods = backend.methods().filter((m) => m.includes('subscribe'));
    expect(methods).toEqual(['resources/subscribe', 'resources/unsubscribe']);
  });

  it('per-request: not announced, and refused with an error naming the strategies that support it', async () => {
    const server = demoBackend();
    const backend = new CountingBackend(server);
    const [perSession] = await connect(createProxy(backend), 1);
    expect(perSession!.client.getServerCapabilities()?.resources).toEqual({
      listChanged: true,
      subscribe: true,
    });
    await perSession!.close();
    fronts.splice(0);
    await proxy?.close();
    const [front] = await connect(createProxy(backend, { strategy: 'per-request' }), 1);
    // A backend session that closes after each request could never deliver an update.
    expect(front!.client.getServerCapabilities()?.resources).toEqual({ listChanged: true });
    for (const uri of ['resource://wave', 'data://user/1']) {
      const refused = front!.client.subscribeResource({ uri });
      await expect(refused).rejects.toThrow(
        new RegExp(
          `Cannot subscribe to ${uri}: .*per-request strategy.*use the per-session or shared strategy`,
        ),
      );
      await expect(refused).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    }
    expect(backend.count('resources/subscribe')).toBe(0);
  });

  it('maps the URIs of a namespaced backend both ways', async () => {
    const server = demoBackend('one');
    const backend = new CountingBackend(server);
    const handle = await serveHttp(backend, { port: 0 });
    handles.push(handle);
    const other = await serveHttp(demoBackend('two'), { port: 0 });
    handles.push(other);
    const config = { mcpServers: { one: { url: handle.url }, two: { url: other.url } } };
    const [front] = await connect(createProxy(config), 1);
    const inbox = new Inbox(front!.client, [UPDATED]);
    await front!.client.subscribeResource({ uri: 'resource://one/wave' });
    await front!.client.subscribeResource({ uri: 'data://one/user/2' });
    const sent = backend.requests.filter((r) => r.method === 'resources/subscribe');
    expect(sent.map((r) => r.params?.uri)).toEqual(['resource://wave', 'data://user/2']);
    server.notifyResourceUpdated('resource://wave');
    server.notifyResourceUpdated('data://user/2');
    await inbox.waitFor(UPDATED, 2);
    expect(inbox.received.map((n) => n.params?.uri)).toEqual([
      'resource://one/wave',
      'data://one/user/2',
    ]);
  });
});

describe('logging', () => {
  it('passes logging/setLevel to the backend and its log messages to the front', async () => {
    const backend = new CountingBackend(loggingBackend(demoBackend()));
    const [front] = await connect(createProxy(backend), 1);
    const inbox = new Inbox(front!.client, ['notifications/message']);
    await front!.client.setLoggingLevel('info');
    const levels = backend.requests.filter((r) => r.method === 'logging/setLevel');
    expect(levels.map((r) => r.params?.level)).toEqual(['info']);
    await front!.client.callTool({ name: 'log', arguments: { text: 'test 42' } });
    await inbox.waitFor('notifications/message');
    await front!.client.ping();
    expect(inbox.received.map((n) => n.params)).toEqual([
      { level: 'info', data: { msg: 'test 42' }, logger: 'backend' },
    ]);
  });
});
