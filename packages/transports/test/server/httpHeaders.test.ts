import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, rawSession, useCleanup } from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

const defer = useCleanup();

async function serve(options: Parameters<typeof serveHttp>[1] = {}) {
  const counter = countingFactory();
  const handle = await serveHttp(counter.factory, options);
  defer(() => handle.close());
  return handle;
}

async function postWithAccept(url: string, accept: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(initializeRequest()),
    signal: AbortSignal.timeout(2000),
  });
  await response.body?.cancel();
  return response.status;
}

describe('serveHttp reads Accept as media ranges with weights (RFC 9110)', () => {
  it.each<[string, number]>([
    ['application/json, text/event-stream', 200],
    ['text/event-stream, application/json', 200],
    ['*/*', 200],
    ['application/*, text/*', 200],
    ['Application/JSON ,  TEXT/Event-Stream', 200],
    ['application/json; charset=utf-8, text/event-stream; q=0.5', 200],
    ['application/json;q=1.000, text/event-stream;q=0.001', 200],
    ['*/*;q=0.1, application/json;q=0.9', 200],
    ['text/*;q=0, text/event-stream, application/json', 200],
    ['application/json, text/event-stream;foo="a,b";q=0.5', 200],
    // Weight 0 means "not acceptable".
    ['application/json;q=0, text/event-stream', 406],
    ['application/json, text/event-stream;q=0', 406],
    ['application/json, text/event-stream; Q=0.000', 406],
    ['*/*, application/json;q=0', 406],
    ['*/*;q=0', 406],
    // A substring is not a media range.
    ['application/jsonx, text/event-streams', 406],
    ['x-application/json, x-text/event-stream', 406],
    ['application/json+text/event-stream', 406],
    ['application/*', 406],
    ['text/html', 406],
    ['', 406],
  ])('POST with Accept %j gets %i', async (accept, status) => {
    const handle = await serve();
    expect(await postWithAccept(handle.url, accept)).toBe(status);
  });

  it.each<[string, number]>([
    ['text/event-stream', 200],
    ['text/*', 200],
    ['*/*', 200],
    ['TEXT/EVENT-STREAM;q=0.2', 200],
    ['text/event-stream;q=0', 406],
    ['*/*, text/event-stream;q=0', 406],
    ['text/event-streamx', 406],
    ['application/json', 406],
  ])('GET with Accept %j gets %i', async (accept, status) => {
    const handle = await serve();
    const sessionId = await rawSession(handle.url);
    const abort = new AbortController();
    defer(() => abort.abort());
    const response = await fetch(handle.url, {
      headers: { accept, 'mcp-session-id': sessionId },
      signal: abort.signal,
    });
    expect(response.status).toBe(status);
    abort.abort();
  });
});
