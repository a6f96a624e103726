import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { callRequest, initializeRequest, post, rawSession, useCleanup } from './fixtures/http';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();

describe('serveHttp streamable HTTP sessions', () => {
  it('issues a session id, serves it and closes it on DELETE', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    defer(() => handle.close());
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/mcp`);
    const transport = new StreamableHTTPClientTransport(new URL(handle.url));
    const client = await connectClient(transport);
    defer(() => client.close());

    const sessionId = transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(counter.sessions).toEqual([{ sessionId, transport: 'streamable-http' }]);
    expect(handle.sessionCount()).toBe(1);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('echo');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }))).toBe(
      'hello',
    );

    const closed = counter.nextClose();
    await transport.terminateSession();
    await closed;
    expect(counter.closed).toBe(1);
    expect(handle.sessionCount()).toBe(0);
    const late = await post(handle.url, callRequest(9, 'echo', { text: 'x' }), {
      'mcp-session-id': sessionId!,
    });
    expect(late.status).toBe(404);
    expect(((await late.json()) as any).error.code).toBe(-32001);
  });

  it('gives each session its own server', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    defer(() => handle.close());
    const clients = await Promise.all(
      [1, 2, 3].map(() => connectClient(new StreamableHTTPClientTransport(new URL(handle.url)))),
    );
    for (const client of clients) defer(() => client.close());
    expect(handle.sessionCount()).toBe(3);
    expect(new Set(counter.sessions.map((info) => info.sessionId)).size).toBe(3);
  });

  it('passes the HTTP headers of each request to the handlers', async () => {
    const handle = await serveHttp(countingFactory().factory);
    defer(() => handle.close());
    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      requestInit: { headers: { 'x-custom': 'from-front' } },
    });
    const client = await connectClient(transport);
    defer(() => client.close());
    const result = JSON.parse(textOf(await client.callTool({ name: 'headers', arguments: {} })));
    expect(result).toEqual({ custom: 'from-front', clientId: null });
  });

  it('answers 16 concurrent calls on one session', async () => {
    const handle = await serveHttp(countingFactory().factory);
    defer(() => handle.close());
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    const texts = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        client.callTool({ name: 'echo', arguments: { text: `call ${i}` } }),
      ),
    );
    expect(texts.map(textOf)).toEqual(Array.from({ length: 16 }, (_, i) => `call ${i}`));
  });

  it('delivers messages related to no request on the GET stream, and refuses a second one', async () => {
    const handle = await serveHttp(countingFactory().factory);
    defer(() => handle.close());
    let getOpened!: () => void;
    const opened = new Promise<void>((resolve) => {
      getOpened = resolve;
    });
    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (init?.method === 'GET' && response.ok) getOpened();
        return response;
      },
    });
    const client = await connectClient(transport);
    defer(() => client.close());
    await opened;

    const changed = new Promise<void>((resolve) => {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve());
    });
    await client.callTool({ name: 'addTool', arguments: { name: 'fresh' } });
    await changed;
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('fresh');

    const second = await fetch(handle.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': transport.sessionId! },
    });
    expect(second.status).toBe(409);
    await second.body?.cancel();
  });

  it('answers GET and DELETE for unknown or missing sessions with 404 and 400', async () => {
    const handle = await serveHttp(countingFactory().factory);
    defer(() => handle.close());
    const unknown = { 'mcp-session-id': '00000000-0000-0000-0000-000000000000' };
    const get = await fetch(handle.url, { headers: { accept: 'text/event-stream', ...unknown } });
    expect(get.status).toBe(404);
    const del = await fetch(handle.url, { method: 'DELETE', headers: unknown });
    expect(del.status).toBe(404);
    const missing = await post(handle.url, callRequest(1, 'echo', { text: 'x' }));
    expect(missing.status).toBe(400);
    await Promise.all([get.body?.cancel(), del.body?.cancel(), missing.body?.cancel()]);
  });

  it('closes a session idle for sessionIdleTimeoutMs', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory, { sessionIdleTimeoutMs: 200 });
    defer(() => handle.close());
    const closed = counter.nextClose();
    const sessionId = await rawSession(handle.url);
    expect(handle.sessionCount()).toBe(1);
    await closed;
    expect(handle.sessionCount()).toBe(0);
    const late = await post(handle.url, callRequest(2, 'echo', { text: 'x' }), {
      'mcp-session-id': sessionId,
    });
    expect(late.status).toBe(404);
    await late.body?.cancel();
  });

  it('keeps a session in use past sessionIdleTimeoutMs open, and closes the one left idle', async () => {
    // Wide enough that a loaded machine's pauses between two uses never reach it.
    const idleMs = 1200;
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory, { sessionIdleTimeoutMs: idleMs });
    defer(() => handle.close());
    const used = await rawSession(handle.url);
    const left = await rawSession(handle.url);
    let firstClosed = false;
    const firstClose = counter.nextClose().then(() => {
      firstClosed = true;
    });

    // Use one session every idleMs / 6 until three idle timeouts have passed and the other
    // session was closed (bounded: 20 timeouts at most).
    const started = Date.now();
    for (let id = 100; Date.now() - started < 3 * idleMs || !firstClosed; id++) {
      expect(Date.now() - started, 'time for the idle session to close').toBeLessThan(20 * idleMs);
      const response = await post(handle.url, callRequest(id, 'echo', { text: 'tick' }), {
        'mcp-session-id': used,
      });
      expect(response.status).toBe(200);
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, idleMs / 6));
    }
    await firstClose;
    expect(handle.sessionCount()).toBe(1);
    const stillOpen = await post(handle.url, callRequest(1, 'echo', { text: 'x' }), {
      'mcp-session-id': used,
    });
    expect(stillOpen.status).toBe(200);
    await stillOpen.body?.cancel();
    const closed = await post(handle.url, callRequest(1, 'echo', { text: 'x' }), {
      'mcp-session-id': left,
    });
    expect(closed.status).toBe(404);
    await closed.body?.cancel();

    // Left alone in its turn, the used session is closed too.
    await counter.nextClose();
    expect(handle.sessionCount()).toBe(0);
  });

  it('close() closes open sessions and stops listening', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    const closed = counter.nextClose();
    await handle.close();
    await closed;
    expect(counter.closed).toBe(1);
    expect(handle.sessionCount()).toBe(0);
    await expect(fetch(handle.url)).rejects.toThrow();
  });

  it('answers 500 and keeps no session when the factory fails', async () => {
    const errors: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message: string) => errors.push(message),
    };
    const handle = await serveHttp(
      () => {
        throw new Error('no server today');
      },
      { logger },
    );
    defer(() => handle.close());
    const response = await post(handle.url, initializeRequest());
    expect(response.status).toBe(500);
    expect(((await response.json()) as any).error.code).toBe(-32603);
    expect(handle.sessionCount()).toBe(0);
    expect(errors).toEqual(['Serving a streamable HTTP session failed']);
  });
});
