import { createProxy, type HttpServerHandle, serveHttp } from '@org/proxy';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBackend } from '../fixtures/demoBackend';
import { frontHttp } from '../fixtures/fronts';
import {
  Cleanup,
  initializeBody,
  messagesOf,
  POST_HEADERS,
  type RawAnswer,
  rawRequest,
  recordingLogger,
} from './fixtures/harness';
import { type HostilePayload, hostilePayloads } from './fixtures/hostilePayloads';

// Promise: whatever a client sends to the HTTP front (non-JSON, malformed JSON-RPC, wrong
// content types, oversize bodies, unknown or forged session ids, unknown tools/URIs/prompts,
// arguments that violate a schema), it gets a 4xx or a JSON-RPC error: never a 5xx, never a
// crash or an unhandled rejection, and the proxy keeps answering.

const MAX_BODY_BYTES = 64 * 1024;
const RUNS = 300;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Records unhandled rejections and uncaught exceptions while a test runs. */
function processFailures(): unknown[] {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  cleanup.add(record, (listener) => {
    process.off('unhandledRejection', listener);
    process.off('uncaughtException', listener);
  });
  return seen;
}

async function servedProxy(options: { maxBodyBytes?: number } = {}) {
  const logger = recordingLogger();
  const backend = cleanup.add(demoBackend(), (s) => s.close());
  const proxy = cleanup.add(createProxy(backend, { logger }), (p) => p.close());
  const http = cleanup.add(await serveHttp(proxy, { ...options, logger }), (h) => h.close());
  return { http, logger };
}

/** Opens a session the raw way; returns its id. */
async function openSession(http: HttpServerHandle): Promise<string> {
  const init = await rawRequest(http.url, { headers: POST_HEADERS, body: initializeBody() });
  expect(init.status).toBe(200);
  const sessionId = String(init.headers['mcp-session-id']);
  const initialized = await rawRequest(http.url, {
    headers: { ...POST_HEADERS, 'mcp-session-id': sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return sessionId;
}

type Response = { id?: unknown; result?: Record<string, unknown>; error?: { code: unknown } };

function responseOf(answer: RawAnswer): Response | undefined {
  return messagesOf(answer).find((m): m is Response => (m as Response).id === 1);
}

/** Checks one answer against what the payload must get. */
function checkAnswer(payload: HostilePayload, answer: RawAnswer): void {
  const what = `${payload.kind}: ${answer.status} ${answer.body.slice(0, 200)}`;
  expect(answer.status, what).toBeLessThan(500);
  const wanted = payload.expect;
  if ('status' in wanted) {
    expect([wanted.status].flat(), what).toContain(answer.status);
    // A refusal carries a JSON-RPC error body.
    const [error] = messagesOf(answer) as Response[];
    expect(typeof error?.error?.code, what).toBe('number');
  } else if ('accepted' in wanted) {
    expect(answer.status, what).toBe(202);
  } else {
    expect(answer.status, what).toBe(200);
    const response = responseOf(answer);
    if ('rpcError' in wanted) {
      expect(typeof response?.error?.code, what).toBe('number');
    } else {
      expect(response?.result?.isError, what).toBe(true);
      expect(JSON.stringify(response?.result?.content), what).toContain('Invalid arguments');
    }
  }
}

async function pingIn(http: HttpServerHandle, sessionId: string): Promise<Response | undefined> {
  const answer = await rawRequest(http.url, {
    headers: { ...POST_HEADERS, 'mcp-session-id': sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  expect(answer.status).toBe(200);
  return responseOf(answer);
}

describe('hostile input at the HTTP front', () => {
  it(`${RUNS} generated payloads each get a 4xx or a JSON-RPC error; the proxy keeps serving`, async () => {
    const failures = processFailures();
    const { http, logger } = await servedProxy({ maxBodyBytes: MAX_BODY_BYTES });
    const sessionId = await openSession(http);
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostilePayloads(MAX_BODY_BYTES), async (payload) => {
        kinds.add(payload.kind);
        const headers = payload.inSession
          ? { ...payload.headers, 'mcp-session-id': sessionId }
          : payload.headers;
        checkAnswer(payload, await rawRequest(http.url, { headers, body: payload.body }));
      }),
      { numRuns: RUNS },
    );
    expect(kinds.size).toBeGreaterThanOrEqual(15);
    // The session that took every payload still answers, and a new client works.
    expect(await pingIn(http, sessionId)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    const front = cleanup.add(await frontHttp(http.url), (f) => f.close());
    expect((await front.client.listTools()).tools.length).toBeGreaterThan(0);
    await front.client.ping();
    expect(failures).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('refuses a body over the default 4 MiB limit with 413, and keeps serving', async () => {
    const { http } = await servedProxy();
    const sessionId = await openSession(http);
    const pad = 'x'.repeat(4 * 1024 * 1024);
    const answer = await rawRequest(http.url, {
      headers: { ...POST_HEADERS, 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad } }),
    });
    expect(answer.status).toBe(413);
    expect(await pingIn(http, sessionId)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it.each<[string, string, string, number]>([
    ['PUT on the endpoint', 'PUT', '/mcp', 405],
    ['an unknown path', 'POST', '/nowhere', 404],
    ['a legacy message without a session', 'POST', '/messages', 404],
    ['a legacy message for a forged session', 'POST', '/messages?sessionId=forged', 404],
    ['DELETE of a forged session', 'DELETE', '/mcp', 404],
    ['GET of a forged session stream', 'GET', '/mcp', 404],
  ])('%s gets a 4xx', async (_case, method, path, status) => {
    const { http } = await servedProxy();
    const answer = await rawRequest(new URL(path, http.url).href, {
      method,
      headers: {
        ...POST_HEADERS,
        accept: 'application/json, text/event-stream',
        'mcp-session-id': 'forged',
      },
      body:
        method === 'GET' || method === 'DELETE'
          ? undefined
          : JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(answer.status).toBe(status);
  });
});
