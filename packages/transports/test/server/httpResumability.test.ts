import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type EventStore,
  type HttpServeOptions,
  InMemoryEventStore,
  type StoredEvent,
  serveHttp,
} from '../../src/server/index';
import { callRequest, rawSession, useCleanup } from './fixtures/http';
import { openStream, type RawEvent } from './fixtures/sseClient';
import { buildTestServer, textOf } from './fixtures/testServers';

const defer = useCleanup();

/** A gate the test opens: the `wait` tool returns once it is open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Serves test servers with a `wait` tool that returns once the gate opens. */
async function serve(options: HttpServeOptions = {}) {
  const servers: McpServer[] = [];
  const debug: string[] = [];
  const warnings: string[] = [];
  const logger = {
    debug: (message: string) => debug.push(message),
    info() {},
    warn: (message: string) => warnings.push(message),
    error() {},
  };
  const release = gate();
  const handle = await serveHttp(
    () => {
      const server = buildTestServer();
      server.registerTool('wait', { inputSchema: { text: z.string() } }, async ({ text }) => {
        await release.opened;
        return { content: [{ type: 'text', text: `released ${text}` }] };
      });
      servers.push(server);
      return server;
    },
    { logger, ssePrimeAfterMs: 50, ...options },
  );
  defer(() => handle.close());
  return { handle, servers, debug, warnings, release };
}

const EVENT_ID = /^[0-9a-f]{8}_(g|p\d+)_\d+$/;
const withId = (id: number) => (events: RawEvent[]) =>
  events.some((event) => event.data !== '' && JSON.parse(event.data).id === id);

describe('streamable HTTP resumability (Last-Event-ID)', () => {
  it('keeps the result of a call whose POST stream dropped, and replays it on GET with Last-Event-ID', async () => {
    const store = new InMemoryEventStore();
    const { handle, debug, release } = await serve({ eventStore: store });
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const call = await openStream(handle.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(callRequest(5, 'wait', { text: 'a' })),
    });
    expect(call.status).toBe(200);
    expect(call.headers['content-type']).toBe('text/event-stream');
    // The slow call switched to SSE with a priming event: an id and no data.
    const [priming] = await call.until((events) => events.length > 0);
    expect(priming).toEqual({ id: expect.stringMatching(EVENT_ID), data: '' });
    call.destroy();
    await waitFor(() => debug.some((message) => message.startsWith('Client went away')), {
      what: 'the server to see the POST go',
    });
    const before = store.usage(sessionId).events;
    release.open();
    // The result is recorded with nobody listening: the resume below replays it.
    await waitFor(() => store.usage(sessionId).events > before, {
      what: 'the result to be recorded',
    });
    const resumed = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.headers['content-type']).toBe('text/event-stream');
    await resumed.ended;
    const events = resumed.events();
    expect(events).toHaveLength(1);
    const streamOf = (id: string) => id.slice(0, id.lastIndexOf('_'));
    expect(streamOf(events[0]!.id!)).toBe(streamOf(priming!.id!));
    expect(JSON.parse(events[0]!.data)).toEqual({
      jsonrpc: '2.0',
      id: 5,
      result: { content: [{ type: 'text', text: 'released a' }] },
    });
    // The id of the last event replays nothing more, and the stream is over: it ends at once.
    const again = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': events[0]!.id! },
    });
    expect(again.status).toBe(200);
    await again.ended;
    expect(again.events()).toEqual([]);
  });

  it('attaches a resumed POST stream to what comes next: the result arrives live, then it ends', async () => {
    const { handle, debug, release } = await serve();
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const call = await openStream(handle.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(callRequest(6, 'wait', { text: 'b' })),
    });
    const [priming] = await call.until((events) => events.length > 0);
    call.destroy();
    await waitFor(() => debug.some((message) => message.startsWith('Client went away')), {
      what: 'the server to see the POST go',
    });
    const resumed = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    expect(resumed.status).toBe(200);
    // A second resume of the same stream while this one holds it is refused.
    const twice = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    await twice.ended;
    expect(twice.status).toBe(409);
    expect(JSON.parse(twice.text).error.message).toContain('Conflict');
    release.open();
    await resumed.until(withId(6));
    await resumed.ended;
    expect(JSON.parse(resumed.events().at(-1)!.data).result.content[0].text).toBe('released b');
  });

  it('replays what the standalone GET stream missed, and the resumed stream is the GET stream', async () => {
    const { handle, servers } = await serve();
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const get = await openStream(handle.url, { headers });
    const [priming] = await get.until((events) => events.length > 0);
    expect(priming!.id).toMatch(/_g_1$/);
    const server = servers[0]!.server;
    await server.sendLoggingMessage({ level: 'info', data: 'one' });
    await get.until((events) => events.length === 2);
    const seen = get.events()[1]!;
    get.destroy();
    await waitFor(() => handle.sessionCount() === 1 && get.ended.then(() => true), {
      what: 'the GET to close',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Sent while no GET stream is open: recorded for a resume.
    await server.sendLoggingMessage({ level: 'info', data: 'two' });
    await server.sendLoggingMessage({ level: 'info', data: 'three' });
    const resumed = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': seen.id! },
    });
    expect(resumed.status).toBe(200);
    const replayed = await resumed.until((events) => events.length === 2);
    expect(replayed.map((event) => JSON.parse(event.data).params.data)).toEqual(['two', 'three']);
    expect(replayed.map((event) => event.id)).toEqual([
      seen.id!.replace(/_2$/, '_3'),
      seen.id!.replace(/_2$/, '_4'),
    ]);
    // It is the standalone stream again: a plain GET conflicts, new messages arrive on it.
    const second = await openStream(handle.url, { headers });
    await second.ended;
    expect(second.status).toBe(409);
    await server.sendLoggingMessage({ level: 'info', data: 'four' });
    const live = await resumed.until((events) => events.length === 3);
    expect(JSON.parse(live[2]!.data).params.data).toBe('four');
    resumed.destroy();
  });

  it('answers an unknown or foreign Last-Event-ID with 400, and never with another session’s events', async () => {
    const { handle, servers } = await serve();
    const mine = await rawSession(handle.url);
    const theirs = await rawSession(handle.url);
    const theirGet = await openStream(handle.url, { headers: { 'mcp-session-id': theirs } });
    const [theirPriming] = await theirGet.until((events) => events.length > 0);
    await servers[1]!.server.sendLoggingMessage({ level: 'info', data: 'secret' });
    await theirGet.until((events) => events.length === 2);
    const myGet = await openStream(handle.url, { headers: { 'mcp-session-id': mine } });
    const [myPriming] = await myGet.until((events) => events.length > 0);
    myGet.destroy();
    const tag = myPriming!.id!.slice(0, 8);
    const cases: [string, string][] = [
      ['another session’s event', theirPriming!.id!],
      ['garbage', 'not-an-id'],
      ['a stream never opened', `${tag}_p99_1`],
      ['an event not sent yet', `${tag}_g_99`],
      ['an overlong id', `${tag}_g_${'9'.repeat(500)}`],
    ];
    for (const [what, lastEventId] of cases) {
      const response = await openStream(handle.url, {
        headers: { 'mcp-session-id': mine, 'last-event-id': lastEventId },
      });
      await response.ended;
      expect(response.status, what).toBe(400);
      expect(response.text, what).not.toContain('secret');
      const body = JSON.parse(response.text);
      expect(body.error.code, what).toBe(-32000);
      expect(body.error.message, what).toMatch(
        /^Bad Request: Last-Event-ID is not an event id of this session: /,
      );
    }
    theirGet.destroy();
  });

  it('answers 410 when the events after Last-Event-ID were evicted from the bounded store', async () => {
    const { handle, servers } = await serve({ eventStoreMaxEvents: 3 });
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const get = await openStream(handle.url, { headers });
    const [priming] = await get.until((events) => events.length > 0);
    for (let n = 0; n < 5; n++) {
      await servers[0]!.server.sendLoggingMessage({ level: 'info', data: n });
    }
    await get.until((events) => events.length === 6);
    get.destroy();
    await get.ended;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const gone = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    await gone.ended;
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.text).error.message).toMatch(
      /^Gone: the events after this Last-Event-ID are no longer held/,
    );
    // The last 3 events are held: resuming from the 4th of the 6 replays 2.
    const held = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': get.events()[3]!.id! },
    });
    const replayed = await held.until((events) => events.length === 2);
    expect(replayed.map((event) => JSON.parse(event.data).params.data)).toEqual([3, 4]);
    held.destroy();
  });

  it('bounds the default store per session and releases it when the session ends', async () => {
    const store = new InMemoryEventStore({ maxEvents: 1000, maxBytes: 64 * 1024 });
    const { handle, servers } = await serve({ eventStore: store });
    const sessionId = await rawSession(handle.url);
    const get = await openStream(handle.url, { headers: { 'mcp-session-id': sessionId } });
    await get.until((events) => events.length > 0);
    const big = 'x'.repeat(10_000);
    for (let n = 0; n < 50; n++) {
      await servers[0]!.server.sendLoggingMessage({ level: 'info', data: big });
    }
    await get.until((events) => events.length === 51);
    expect(store.usage(sessionId).bytes).toBeLessThanOrEqual(64 * 1024);
    expect(store.usage(sessionId).events).toBeGreaterThan(0);
    expect(store.sessionCount).toBe(1);
    const deleted = await fetch(handle.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': sessionId },
    });
    expect(deleted.status).toBe(200);
    await waitFor(() => store.sessionCount === 0, { what: 'the events to be released' });
    expect(store.usage(sessionId)).toEqual({ events: 0, bytes: 0 });
  });

  it('lets an SDK client resume a call whose POST stream dropped', async () => {
    const { handle, debug, release } = await serve();
    // The SDK client's fetch, with a way to cut the POST stream of the slow call.
    const cuts: (() => void)[] = [];
    const cuttingFetch: typeof fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (init?.method !== 'POST' || !body.includes('"wait"')) return fetch(input, init);
      const abort = new AbortController();
      init.signal?.addEventListener('abort', () => abort.abort());
      const response = await fetch(input, { ...init, signal: abort.signal });
      cuts.push(() => abort.abort());
      return response;
    };
    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      fetch: cuttingFetch,
      reconnectionOptions: {
        initialReconnectionDelay: 50,
        maxReconnectionDelay: 200,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 5,
      },
    });
    const client = new Client({ name: 'resuming-client', version: '1.0.0' });
    await client.connect(transport);
    defer(() => client.close());
    const tokens: string[] = [];
    const result = client.callTool({ name: 'wait', arguments: { text: 'sdk' } }, undefined, {
      onresumptiontoken: (token) => tokens.push(token),
      timeout: 10_000,
    });
    await waitFor(() => tokens.length > 0 && cuts.length > 0, {
      what: 'the priming event of the call',
    });
    cuts[0]!();
    await waitFor(() => debug.some((message) => message.startsWith('Client went away')), {
      what: 'the server to see the POST go',
    });
    release.open();
    expect(textOf(await result)).toBe('released sdk');
    expect(tokens[0]).toMatch(EVENT_ID);
  });

  it('works with an async store: events sent while a slow replay runs arrive once, in order', async () => {
    const inner = new InMemoryEventStore();
    const appended: string[] = [];
    let replaying: (() => void) | undefined;
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const store: EventStore = {
      append: async (sessionId: string, event: StoredEvent) => {
        await tick();
        appended.push(event.id);
        inner.append(sessionId, event);
      },
      eventsAfter: async (sessionId: string, lastEventId: string) => {
        const events = inner.eventsAfter(sessionId, lastEventId);
        replaying?.();
        await new Promise((resolve) => setTimeout(resolve, 200));
        return events;
      },
      release: async (sessionId: string) => inner.release(sessionId),
    };
    const { handle, debug, release } = await serve({ eventStore: store });
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const call = await openStream(handle.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(callRequest(7, 'wait', { text: 'c' })),
    });
    const [priming] = await call.until((events) => events.length > 0);
    call.destroy();
    await waitFor(() => debug.some((message) => message.startsWith('Client went away')), {
      what: 'the server to see the POST go',
    });
    // The result comes while the store is still answering the replay.
    replaying = () => release.open();
    const resumed = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    await resumed.ended;
    const events = resumed.events();
    expect(events.map((event) => JSON.parse(event.data).id)).toEqual([7]);
    expect(events[0]!.id).toBe(priming!.id!.replace(/_1$/, '_2'));
    expect(appended).toContain(events[0]!.id);
  });

  it('answers 404 when the session ends while its replay is read', async () => {
    let deleting: (() => Promise<unknown>) | undefined;
    const inner = new InMemoryEventStore();
    const store: EventStore = {
      append: (sessionId: string, event: StoredEvent) => inner.append(sessionId, event),
      eventsAfter: async (sessionId: string, lastEventId: string) => {
        await deleting?.();
        return inner.eventsAfter(sessionId, lastEventId);
      },
      release: (sessionId: string) => inner.release(sessionId),
    };
    const { handle } = await serve({ eventStore: store });
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const get = await openStream(handle.url, { headers });
    const [priming] = await get.until((events) => events.length > 0);
    get.destroy();
    await get.ended;
    await new Promise((resolve) => setTimeout(resolve, 50));
    deleting = () => fetch(handle.url, { method: 'DELETE', headers });
    const resumed = await openStream(handle.url, {
      headers: { ...headers, 'last-event-id': priming!.id! },
    });
    await resumed.ended;
    expect(resumed.status).toBe(404);
    expect(JSON.parse(resumed.text).error.code).toBe(-32001);
  });
});
