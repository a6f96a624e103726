import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ProxyErrorCode } from '../../src/errors';
import { serveHttp } from '../../src/server/index';
import { callRequest, post, rawSession, sseMessages, useCleanup } from './fixtures/http';
import { buildTestServer } from './fixtures/testServers';

const defer = useCleanup();

const SAMPLING: CreateMessageRequest['params'] = {
  messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
  maxTokens: 5,
};

/** Serves test servers over HTTP and opens one raw session declaring sampling; returns its server. */
async function session() {
  const servers: McpServer[] = [];
  const handle = await serveHttp(() => {
    const server = buildTestServer();
    servers.push(server);
    return server;
  });
  defer(() => handle.close());
  const sessionId = await rawSession(handle.url, { sampling: {} });
  const server = servers[0]!;
  return { url: handle.url, sessionId, server };
}

/** Opens the standalone GET stream of a session; resolves once the server accepted it. */
async function openGetStream(url: string, sessionId: string) {
  const abort = new AbortController();
  defer(() => abort.abort());
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  defer(() => reader.cancel().catch(() => {}));
  /** Reads until a JSON-RPC message arrives (heartbeats and comments are skipped). */
  const nextMessage = async () => {
    let text = '';
    for (let chunk = 0; chunk < 100; chunk++) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      const [message] = sseMessages(text);
      if (message) return message;
    }
    throw new Error(`No message on the GET stream: ${text}`);
  };
  return { nextMessage };
}

describe('StreamableHttpTransport: server-to-client requests with nowhere to go', () => {
  it('refuses a request unrelated to any client request when no GET stream is open', async () => {
    const { server, sessionId } = await session();
    const started = Date.now();
    // Bounded: without the refusal the request would wait for this timeout.
    const failure = await server.server.createMessage(SAMPLING, { timeout: 5000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: ProxyErrorCode.NoContext,
      message: `Cannot send sampling/createMessage to the client (session ${sessionId}): it relates to no client request and the client has no standalone SSE stream (GET) open to receive it`,
    });
    // At once, not after the SDK's 60 s request timeout.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('sends such a request on the GET stream when one is open, and its answer comes back', async () => {
    const { url, server, sessionId } = await session();
    const stream = await openGetStream(url, sessionId);
    const answer = server.server.createMessage(SAMPLING);
    const request = await stream.nextMessage();
    expect(request).toMatchObject({ method: 'sampling/createMessage', params: SAMPLING });
    const reply = await post(
      url,
      {
        jsonrpc: '2.0',
        id: request.id,
        result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'hello' } },
      },
      { 'mcp-session-id': sessionId },
    );
    expect(reply.status).toBe(202);
    expect(await answer).toMatchObject({ model: 'm', content: { text: 'hello' } });
  });

  it('refuses a request related to a client request that was already answered', async () => {
    const { url, server, sessionId } = await session();
    const call = await post(url, callRequest(7, 'echo', { text: 'done' }), {
      'mcp-session-id': sessionId,
    });
    await call.text();
    await expect(
      server.server.createMessage(SAMPLING, { relatedRequestId: 7, timeout: 5000 }),
    ).rejects.toThrow('Cannot send sampling/createMessage to the client');
    await expect(
      server.server.createMessage(SAMPLING, { relatedRequestId: 7, timeout: 5000 }),
    ).rejects.toThrow('the client request it relates to (7) is no longer open');
  });

  it('still drops a notification with nowhere to go, without failing its sender', async () => {
    const { server } = await session();
    await expect(
      server.server.sendLoggingMessage({ level: 'info', data: 'nobody listens' }),
    ).resolves.toBeUndefined();
  });
});
