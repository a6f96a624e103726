import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import {
  callRequest,
  POST_ACCEPT,
  post,
  rawSession,
  readUntil,
  sseMessages,
  useCleanup,
} from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

const defer = useCleanup();

/** Every answer below must come this fast: before the fix, some never came. */
const BOUND_MS = 1000;

async function serve(options: Parameters<typeof serveHttp>[1] = {}) {
  const counter = countingFactory();
  const handle = await serveHttp(counter.factory, options);
  defer(() => handle.close());
  return handle;
}

/** POSTs a raw body text; the status must come within {@link BOUND_MS}. */
async function postRaw(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: POST_ACCEPT, ...headers },
    body,
    signal: AbortSignal.timeout(BOUND_MS),
  });
  return { status: response.status, text: await response.text(), response };
}

const ping = (rawId: string) => `{"jsonrpc":"2.0","id":${rawId},"method":"ping"}`;

/** Ids whose text `JSON.parse` and `JSON.stringify` would not give back unchanged. */
const AWKWARD_IDS: [string, string][] = [
  ['2^53 + 1', '9007199254740993'],
  ['a 30-digit integer', '123456789012345678901234567890'],
  ['a negative integer beyond 2^53', '-9007199254740993'],
  ['an integer that overflows to Infinity', '1e400'],
  ['one that overflows to -Infinity', '-1E+400'],
  ['an integer with a huge exponent', `1e${'9'.repeat(2000)}`],
  ['an integer written with a fraction', '1.0'],
  ['an integer written with an exponent', '1E2'],
  ['an integer written as a scaled fraction', '12.5e1'],
  ['negative zero', '-0'],
  ['zero written as a fraction', '0.000'],
  ['2^53 exactly', '9007199254740992'],
  ['a string outside the BMP', '"\u{1F600}\u{1D11E}"'],
  ['a string with escapes JSON.stringify would not write', '"\\u0041\\/b"'],
  ['a lone surrogate', '"\\ud800"'],
  ['a very long string', `"${'x'.repeat(200_000)}"`],
  ['a string like an internal surrogate', '"\\ufdd0id:n9007199254740993e0"'],
];

/** The raw id of the answer to a message: the text after `"id":` (our answers write it first). */
function answeredId(message: string, rawId: string): boolean {
  return message.includes(`"id":${rawId}`);
}

describe('serveHttp answers every request, whatever its id', () => {
  it.each(AWKWARD_IDS)('answers %s with the id exactly as sent', async (_what, rawId) => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const answer = await postRaw(handle.url, ping(rawId), { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(200);
    expect(answeredId(answer.text, rawId)).toBe(true);
    const parsed = JSON.parse(answer.text) as { id: unknown; result: unknown };
    expect(parsed.id).toEqual(JSON.parse(rawId));
    expect(parsed.result).toEqual({});
  });

  it('opens a session with an initialize whose id is beyond 2^53', async () => {
    const handle = await serve();
    const rawId = '18446744073709551617';
    const init = await postRaw(
      handle.url,
      `{"jsonrpc":"2.0","id":${rawId},"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`,
    );
    expect(init.status).toBe(200);
    expect(init.text.startsWith(`{"id":${rawId},`)).toBe(true);
    expect(init.response.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('writes the raw id on an SSE answer too', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const rawId = '1e400';
    const body = `{"jsonrpc":"2.0","id":${rawId},"method":"tools/call","params":{"name":"progress","arguments":{"steps":2},"_meta":{"progressToken":"t"}}}`;
    const answer = await postRaw(handle.url, body, { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(200);
    expect(answer.response.headers.get('content-type')).toBe('text/event-stream');
    const final = answer.text.split('\n').find((line) => line.includes('"result"'));
    expect(final?.startsWith(`data: {"id":${rawId},`)).toBe(true);
  });

  it('answers a batch of such ids, two ids that JSON.parse makes equal included', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const ids = ['9007199254740992', '9007199254740993', '1e400', '1e401', '-0', '"a"'];
    const answer = await postRaw(handle.url, `[${ids.map(ping).join(',')}]`, {
      'mcp-session-id': sessionId,
    });
    expect(answer.status).toBe(200);
    const answers = JSON.parse(answer.text) as unknown[];
    expect(answers).toHaveLength(ids.length);
    for (const rawId of ids) expect(answeredId(answer.text, rawId), rawId).toBe(true);
  });

  it('answers in stateless mode with the id exactly as sent', async () => {
    const handle = await serve({ stateless: true });
    const rawId = '98765432109876543210';
    const answer = await postRaw(handle.url, ping(rawId));
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith(`{"id":${rawId},`)).toBe(true);
  });

  it.each([
    ['a fraction', '1.5'],
    ['a small fraction', '1e-7'],
    ['a fraction beyond 2^53', '9007199254740993.5'],
    ['a fraction with a huge negative exponent', `1e-${'9'.repeat(2000)}`],
  ])('refuses %s as an id with 400 and a JSON-RPC error naming it', async (_what, rawId) => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const answer = await postRaw(handle.url, ping(rawId), { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(400);
    const error = (JSON.parse(answer.text) as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(-32600);
    expect(error.message).toContain('an id must be a string or an integer');
  });

  it.each([
    ['one id twice', '[P1,P1]'.replaceAll('P1', ping('1'))],
    ['1 and 1.0', `[${ping('1')},${ping('1.0')}]`],
    ['-0 and 0', `[${ping('-0')},${ping('0')}]`],
    ['1e400 and 10e399', `[${ping('1e400')},${ping('10e399')}]`],
    ['"A" and "\\u0041"', `[${ping('"A"')},${ping('"\\u0041"')}]`],
  ])('refuses a batch with %s as request ids with a JSON-RPC error', async (_what, body) => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const answer = await postRaw(handle.url, body, { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(400);
    const error = (JSON.parse(answer.text) as { error: { code: number; message: string } }).error;
    expect(error).toMatchObject({ code: -32600 });
    expect(error.message).toContain('two requests of the batch have the id');
    // The session still serves.
    const after = await postRaw(handle.url, ping('2'), { 'mcp-session-id': sessionId });
    expect(after.status).toBe(200);
  });

  it('refuses a request whose big id is already in flight, and serves a neighbour id', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url, { elicitation: { form: {} } });
    const headers = { 'mcp-session-id': sessionId };
    const asking = `{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"ask","arguments":{"question":"wait"}}}`;
    const first = await post(handle.url, asking, headers);
    const text = await readUntil(first, (read) => read.includes('elicitation/create'));
    const duplicate = await postRaw(handle.url, ping('9007199254740993'), headers);
    expect(duplicate.status).toBe(400);
    expect(JSON.parse(duplicate.text)).toMatchObject({
      error: {
        code: -32600,
        message: 'Invalid Request: a request with this id is already in flight: 9007199254740993',
      },
    });
    const neighbour = await postRaw(handle.url, ping('9007199254740992'), headers);
    expect(neighbour.status).toBe(200);
    const elicitation = sseMessages(text).find((m) => m.method === 'elicitation/create')!;
    const answer = { jsonrpc: '2.0', id: elicitation.id, result: { action: 'decline' } };
    await (await post(handle.url, answer, headers)).body?.cancel();
  });

  it('keeps the id of an abandoned POST in flight until the server answered it', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url, { elicitation: { form: {} } });
    const headers = { 'mcp-session-id': sessionId };
    const abort = new AbortController();
    const first = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT, ...headers },
      body: JSON.stringify(callRequest(5, 'ask', { question: 'wait' })),
      signal: abort.signal,
    });
    const text = await readUntil(first, (read) => read.includes('elicitation/create'));
    abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The server still works on request 5: a new request 5 would get its answer.
    const reused = await postRaw(handle.url, ping('5'), headers);
    expect(reused.status).toBe(400);
    const elicitation = sseMessages(text).find((m) => m.method === 'elicitation/create')!;
    const answer = { jsonrpc: '2.0', id: elicitation.id, result: { action: 'decline' } };
    await (await post(handle.url, answer, headers)).body?.cancel();
    for (let attempt = 0; attempt < 50; attempt++) {
      const again = await postRaw(handle.url, ping('5'), headers);
      if (again.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('id 5 never became free again');
  });

  it('accepts an error response with id null (a parse error of the client) with 202', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const parseError =
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}';
    const answer = await postRaw(handle.url, parseError, { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(202);
    const batch = await postRaw(handle.url, `[${parseError},${ping('3')}]`, {
      'mcp-session-id': sessionId,
    });
    expect(batch.status).toBe(200);
    expect(JSON.parse(batch.text)).toEqual([{ jsonrpc: '2.0', id: 3, result: {} }]);
  });

  it('still refuses a request or a result with id null', async () => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    for (const body of [ping('null'), '{"jsonrpc":"2.0","id":null,"result":{}}']) {
      const answer = await postRaw(handle.url, body, { 'mcp-session-id': sessionId });
      expect(answer.status, body).toBe(400);
    }
  });

  it.each([
    ['a fractional progress token', '{"_meta":{"progressToken":1.5}}'],
    ['a progress token beyond 2^53', '{"_meta":{"progressToken":9007199254740993}}'],
    ['_meta that is not an object', '{"_meta":"x"}'],
  ])('answers a request the SDK would not take for one (%s) at once', async (_what, params) => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const body = `{"jsonrpc":"2.0","id":4,"method":"ping","params":${params}}`;
    const answer = await postRaw(handle.url, body, { 'mcp-session-id': sessionId });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: -32600 } });
  });

  it('cancels a request whose id is beyond 2^53 when the client cancels it by that id', async () => {
    const cancelled: unknown[] = [];
    const handle = await serveHttp(() => {
      const server = new McpServer({ name: 'waiting', version: '1.0.0' });
      server.registerTool('wait', {}, (extra) => {
        return new Promise((resolve) => {
          extra.signal.addEventListener('abort', () => {
            cancelled.push(extra.requestId);
            resolve({ content: [] });
          });
        });
      });
      return server;
    });
    defer(() => handle.close());
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const abort = new AbortController();
    defer(() => abort.abort());
    const waiting = fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT, ...headers },
      body: '{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"wait","arguments":{}}}',
      signal: abort.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A neighbour id that JSON.parse confuses with it cancels nothing.
    for (const rawId of ['9007199254740992', '9007199254740993']) {
      const cancel = await postRaw(
        handle.url,
        `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${rawId}}}`,
        headers,
      );
      expect(cancel.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(cancelled).toHaveLength(rawId.endsWith('3') ? 1 : 0);
    }
    // The server sends no response for a cancelled request: its POST ends without one.
    const ended = await waiting;
    expect(ended?.status).toBe(200);
    expect(await ended?.text()).toBe('');
  });

  it('ends a POST whose requests were all cancelled, keeping the answers sent before', async () => {
    const handle = await serveHttp(() => {
      const server = new McpServer({ name: 'waiting', version: '1.0.0' });
      server.registerTool(
        'wait',
        {},
        (extra) =>
          new Promise((resolve) =>
            extra.signal.addEventListener('abort', () => resolve({ content: [] })),
          ),
      );
      return server;
    });
    defer(() => handle.close());
    const sessionId = await rawSession(handle.url);
    const headers = { 'mcp-session-id': sessionId };
    const waitCall = (id: string) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"wait","arguments":{}}}`;
    const batch = fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: POST_ACCEPT, ...headers },
      body: `[${ping('"p"')},${waitCall('"w1"')},${waitCall('1e400')}]`,
      signal: AbortSignal.timeout(BOUND_MS),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const rawId of ['"w1"', '1e400']) {
      const cancel = await postRaw(
        handle.url,
        `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${rawId}}}`,
        headers,
      );
      expect(cancel.status).toBe(202);
    }
    const answer = await batch;
    expect(answer.status).toBe(200);
    expect(JSON.parse(await answer.text())).toEqual([{ jsonrpc: '2.0', id: 'p', result: {} }]);
  });
});
