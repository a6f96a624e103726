import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import {
  callRequest,
  initializeRequest,
  post,
  rawSession,
  readUntil,
  sseMessages,
  useCleanup,
} from './fixtures/http';
import { connectClient, countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();

async function serve(options: Parameters<typeof serveHttp>[1] = {}) {
  const handle = await serveHttp(countingFactory().factory, options);
  defer(() => handle.close());
  return handle;
}

describe('serveHttp lazy responses', () => {
  it('answers initialize and a plain call as application/json', async () => {
    const handle = await serve();
    const init = await post(handle.url, initializeRequest());
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('application/json');
    expect(((await init.json()) as any).result.serverInfo.name).toBe('test-server');
    const sessionId = init.headers.get('mcp-session-id')!;

    const call = await post(handle.url, callRequest(2, 'echo', { text: 'plain' }), {
      'mcp-session-id': sessionId,
    });
    expect(call.headers.get('content-type')).toBe('application/json');
    const body = await call.json();
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      id: 2,
      result: { content: [{ type: 'text', text: 'plain' }] },
    });
  });

  it('answers notifications alone with 202 and no body', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const response = await post(
      handle.url,
      { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
      { 'mcp-session-id': sessionId },
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('switches to SSE when progress comes before the result', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const request = {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'progress', arguments: { steps: 2 }, _meta: { progressToken: 'p1' } },
    };
    const response = await post(handle.url, request, { 'mcp-session-id': sessionId });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const messages = sseMessages(await response.text());
    expect(messages.map((message) => message.method ?? `result ${String(message.id)}`)).toEqual([
      'notifications/progress',
      'notifications/progress',
      'result 3',
    ]);
  });

  it('delivers progress to the SDK client with the result', async () => {
    const handle = await serve();
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    const progress: number[] = [];
    const result = await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(textOf(result)).toBe('done 3');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('carries log messages related to a call on its stream', async () => {
    const handle = await serve();
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    const logged: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logged.push(notification.params.data);
    });
    expect(textOf(await client.callTool({ name: 'log', arguments: { message: 'note' } }))).toBe(
      'logged',
    );
    expect(logged).toEqual(['note']);
  });

  it('routes an elicitation mid-call to the client and its answer back to the tool', async () => {
    const handle = await serve();
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    client.setRequestHandler(ElicitRequestSchema, async (request) => ({
      action: 'accept',
      content: { answer: `yes to ${request.params.message}` },
    }));
    const results = await Promise.all(
      [1, 2, 3].map((i) => client.callTool({ name: 'ask', arguments: { question: `q${i}` } })),
    );
    expect(results.map(textOf)).toEqual([
      'accept:yes to q1',
      'accept:yes to q2',
      'accept:yes to q3',
    ]);
  });

  it('answers a batch of calls as one JSON array', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const batch = [callRequest(4, 'echo', { text: 'a' }), callRequest(5, 'echo', { text: 'b' })];
    const response = await post(handle.url, batch, { 'mcp-session-id': sessionId });
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as any as { id: number }[];
    expect(body.map((message) => message.id).sort()).toEqual([4, 5]);
  });

  it('streams a batch once a call sends progress, ending after the last response', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const progress = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'progress', arguments: { steps: 1 }, _meta: { progressToken: 7 } },
    };
    const response = await post(handle.url, [callRequest(6, 'echo', { text: 'a' }), progress], {
      'mcp-session-id': sessionId,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const ids = sseMessages(await response.text())
      .filter((message) => message.id !== undefined)
      .map((message) => message.id);
    expect(ids.sort()).toEqual([6, 7]);
  });

  it('sends a ping comment on open SSE streams', async () => {
    const handle = await serve({ sseKeepAliveMs: 20 });
    const sessionId = await rawSession(handle.url);
    const stream = await fetch(handle.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId },
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(await readUntil(stream, (text) => text.includes(': ping\n\n'))).toContain(': ping\n\n');
  });

  it('answers pending requests with an error when the session closes', async () => {
    const handle = await serve();
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(handle.url)));
    defer(() => client.close());
    let asked!: () => void;
    const elicited = new Promise<void>((resolve) => {
      asked = resolve;
    });
    // The client never answers: the call stays pending until the session closes.
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked();
      return new Promise(() => {});
    });
    const call = client.callTool({ name: 'ask', arguments: { question: 'never' } });
    await elicited;
    await handle.close();
    await expect(call).rejects.toThrow(/Connection closed/);
  });

  it('drops the messages of a POST whose client went away, and keeps serving', async () => {
    const debug: string[] = [];
    const logger = {
      debug: (message: string) => debug.push(message),
      info() {},
      warn() {},
      error() {},
    };
    // Without resumability (with it, the result is kept for a resume: see httpResumability.test.ts).
    const handle = await serve({ logger, eventStore: false });
    const sessionId = await rawSession(handle.url, { elicitation: { form: {} } });
    const headers = { 'mcp-session-id': sessionId };
    const abort = new AbortController();
    const pending = await fetch(handle.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(callRequest(8, 'ask', { question: 'gone?' })),
      signal: abort.signal,
    });
    const text = await readUntil(pending, (read) => read.includes('elicitation/create'));
    const elicitation = sseMessages(text).find(
      (message) => message.method === 'elicitation/create',
    )!;
    abort.abort();
    await waitFor(() => debug.some((message) => message.startsWith('Client went away')), {
      what: 'the POST to be forgotten',
    });
    // The answer to the elicitation lets the tool finish; its result has nowhere to go.
    const answer = {
      jsonrpc: '2.0',
      id: elicitation.id,
      result: { action: 'accept', content: { answer: 'late' } },
    };
    const accepted = await post(handle.url, answer, headers);
    expect(accepted.status).toBe(202);
    const after = await post(handle.url, callRequest(9, 'echo', { text: 'still here' }), headers);
    expect(((await after.json()) as any).result.content[0].text).toBe('still here');
    await waitFor(() => debug.includes('Message dropped: no open POST for request: 8'), {
      what: 'the result to be dropped',
    });
  });

  it('refuses a request whose id is already in flight', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url, { elicitation: { form: {} } });
    const headers = { 'mcp-session-id': sessionId };
    const first = await post(handle.url, callRequest(10, 'ask', { question: 'wait' }), headers);
    const text = await readUntil(first, (read) => read.includes('elicitation/create'));
    const duplicate = await post(handle.url, callRequest(10, 'echo', { text: 'again' }), headers);
    expect(duplicate.status).toBe(400);
    expect(((await duplicate.json()) as any).error.code).toBe(-32600);
    const elicitation = sseMessages(text).find(
      (message) => message.method === 'elicitation/create',
    )!;
    const answer = { jsonrpc: '2.0', id: elicitation.id, result: { action: 'decline' } };
    await (await post(handle.url, answer, headers)).body?.cancel();
  });
});
