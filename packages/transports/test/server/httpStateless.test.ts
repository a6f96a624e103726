import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { callRequest, initializeRequest, post, useCleanup } from './fixtures/http';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();

describe('serveHttp stateless mode', () => {
  it('issues no session id and makes and closes a server per request', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory, { stateless: true });
    defer(() => handle.close());

    const init = await post(handle.url, initializeRequest());
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(init.headers.get('content-type')).toBe('application/json');
    await init.json();
    const call = await post(handle.url, callRequest(2, 'echo', { text: 'alone' }));
    expect(((await call.json()) as any).result.content[0].text).toBe('alone');

    expect(counter.sessions).toEqual([
      { transport: 'streamable-http' },
      { transport: 'streamable-http' },
    ]);
    // Each server is closed as soon as its answer is written, before the client reads it.
    expect(counter.closed).toBe(2);
    expect(handle.sessionCount()).toBe(0);
  });

  it('serves an SDK client, progress included, and answers GET and DELETE with 405', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory, { stateless: true });
    defer(() => handle.close());
    const transport = new StreamableHTTPClientTransport(new URL(handle.url));
    const client = await connectClient(transport);
    defer(() => client.close());
    expect(transport.sessionId).toBeUndefined();
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'one' } }))).toBe('one');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(textOf(result)).toBe('done 2');
    expect(progress).toEqual([1, 2]);
    // initialize, echo and progress: one server each (the initialized notification needs none).
    expect(counter.sessions).toHaveLength(3);
    expect(counter.closed).toBe(3);

    const get = await fetch(handle.url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    const del = await fetch(handle.url, { method: 'DELETE' });
    expect(del.status).toBe(405);
    await Promise.all([get.body?.cancel(), del.body?.cancel()]);
  });
});
