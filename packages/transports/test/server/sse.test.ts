import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { POST_ACCEPT, useCleanup } from './fixtures/http';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();

describe('serveHttp legacy SSE', () => {
  it('serves a session over SSE and closes it when the client disconnects', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    defer(() => handle.close());
    expect(handle.sseUrl).toBe(`http://127.0.0.1:${handle.port}/sse`);
    const transport = new SSEClientTransport(new URL(handle.sseUrl!));
    const client = await connectClient(transport);
    defer(() => client.close());

    expect(counter.sessions).toEqual([{ sessionId: expect.any(String), transport: 'sse' }]);
    expect(handle.sessionCount()).toBe(1);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('echo');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'legacy' } }))).toBe(
      'legacy',
    );

    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: 'accept',
      content: { answer: 'sse' },
    }));
    expect(textOf(await client.callTool({ name: 'ask', arguments: { question: 'q' } }))).toBe(
      'accept:sse',
    );

    const closed = counter.nextClose();
    await client.close();
    await closed;
    expect(counter.closed).toBe(1);
    expect(handle.sessionCount()).toBe(0);
  });

  it('closes SSE sessions on close()', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    const client = await connectClient(new SSEClientTransport(new URL(handle.sseUrl!)));
    defer(() => client.close());
    const closed = counter.nextClose();
    await handle.close();
    await closed;
    expect(counter.closed).toBe(1);
  });

  it('answers posts for unknown sessions with 404', async () => {
    const handle = await serveHttp(countingFactory().factory);
    defer(() => handle.close());
    const response = await fetch(handle.url.replace('/mcp', '/messages?sessionId=nope'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT },
      body: '{}',
    });
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });

  it('does not serve SSE when sse is false', async () => {
    const handle = await serveHttp(countingFactory().factory, { sse: false });
    defer(() => handle.close());
    expect(handle.sseUrl).toBeUndefined();
    const response = await fetch(`http://127.0.0.1:${handle.port}/sse`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });

  it('answers 500 and keeps no session when the factory fails', async () => {
    const handle = await serveHttp(async () => {
      throw new Error('no server today');
    });
    defer(() => handle.close());
    const response = await fetch(handle.sseUrl!, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(500);
    await response.body?.cancel();
    expect(handle.sessionCount()).toBe(0);
  });
});
