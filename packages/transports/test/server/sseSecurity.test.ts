import { request } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { callRequest, rawRequest, useCleanup } from './fixtures/http';
import { connectClient, countingFactory } from './fixtures/testServers';

const defer = useCleanup();
const TOKEN = 'sse-secret-token';

/**
 * A server with one legacy SSE session open through an SDK client, and the URL its client
 * POSTs messages to. A message that reaches the session's server can be told by its effect:
 * `addTool` adds a tool to that server.
 */
async function openSseSession(options: Parameters<typeof serveHttp>[1] = {}) {
  const counter = countingFactory();
  const handle = await serveHttp(counter.factory, options);
  defer(() => handle.close());
  const headers: Record<string, string> =
    options.authToken === undefined ? {} : { authorization: `Bearer ${options.authToken}` };
  const client = await connectClient(
    new SSEClientTransport(new URL(handle.sseUrl!), { requestInit: { headers } }),
  );
  defer(() => client.close());
  const [session] = counter.sessions;
  const messagesUrl = `http://127.0.0.1:${handle.port}/messages?sessionId=${session!.sessionId}`;
  return { handle, counter, client, messagesUrl, headers };
}

/** A raw POST of `addTool` named `name` to the messages endpoint. */
function postAddTool(url: string, name: string, headers: Record<string, string> = {}) {
  return rawRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(callRequest(99, 'addTool', { name })),
  });
}

/**
 * GETs the SSE endpoint and resolves with the status and headers as soon as they arrive, then
 * drops the connection: an accepted stream would never end.
 */
function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name);
}

describe('legacy SSE endpoints behind bearer auth', () => {
  it('answers /sse and /messages without the token with 401, and the request reaches nothing', async () => {
    const { handle, counter, client, messagesUrl } = await openSseSession({ authToken: TOKEN });
    expect(counter.sessions).toHaveLength(1);

    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const stream = await openStream(handle.sseUrl!, headers);
      expect(stream.status, authorization).toBe(401);
      expect(stream.headers['www-authenticate'], authorization).toBe('Bearer');
      const message = await postAddTool(messagesUrl, 'intruder', headers);
      expect(message.status, authorization).toBe(401);
    }
    // No new session, and the open session's server never saw the messages.
    expect(counter.sessions).toHaveLength(1);
    expect(await toolNames(client)).not.toContain('intruder');
    expect(handle.sessionCount()).toBe(1);
  });

  it('passes the token-holding client through', async () => {
    const { client, messagesUrl, headers } = await openSseSession({ authToken: TOKEN });
    const accepted = await postAddTool(messagesUrl, 'invited', headers);
    expect(accepted.status).toBe(202);
    expect(await toolNames(client)).toContain('invited');
  });
});

describe('legacy SSE endpoints and DNS rebinding protection', () => {
  it('refuses /sse with a foreign Host or Origin with 403 before any server is made', async () => {
    const counter = countingFactory();
    const handle = await serveHttp(counter.factory);
    defer(() => handle.close());
    const foreign: Record<string, string>[] = [
      { host: 'evil.example' },
      { origin: 'https://evil.example' },
    ];
    for (const headers of foreign) {
      const stream = await openStream(handle.sseUrl!, headers);
      expect(stream.status, JSON.stringify(headers)).toBe(403);
    }
    expect(counter.sessions).toHaveLength(0);
  });

  it('refuses /messages with a foreign Host or Origin with 403, and the message reaches nothing', async () => {
    const { client, messagesUrl } = await openSseSession();
    const foreignHost = await postAddTool(messagesUrl, 'rebound', { host: 'evil.example' });
    expect(foreignHost.status).toBe(403);
    const foreignOrigin = await postAddTool(messagesUrl, 'rebound', {
      origin: 'https://evil.example',
    });
    expect(foreignOrigin.status).toBe(403);
    expect(await toolNames(client)).not.toContain('rebound');
    // A loopback origin is fine.
    const local = await postAddTool(messagesUrl, 'local', { origin: 'http://localhost:3000' });
    expect(local.status).toBe(202);
    expect(await toolNames(client)).toContain('local');
  });
});

describe('legacy SSE message body limit', () => {
  it('refuses a /messages body over maxBodyBytes with 413, and the session carries on', async () => {
    const { client, messagesUrl } = await openSseSession({ maxBodyBytes: 1024 });
    const big = JSON.stringify({
      ...(callRequest(98, 'addTool', { name: 'oversized' }) as object),
      padding: 'x'.repeat(4096),
    });
    const declared = await rawRequest(messagesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(messagesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    const names = await toolNames(client);
    expect(names).toContain('echo');
    expect(names).not.toContain('oversized');
  });
});
