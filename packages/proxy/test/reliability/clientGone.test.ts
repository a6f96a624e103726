import { createProxy, serveHttp } from '@org/proxy';
import { isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, echoTarget, recordingLogger } from './fixtures/harness';

// Promise: a front session whose standalone GET stream dropped and whose client then sends
// nothing for `clientGoneGraceMs` is closed with what it owns: its backend session and the
// stdio child serving it end, long before the idle timeout.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function rpc(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...POST, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { response, body: text === '' ? undefined : JSON.parse(text) };
}

describe('a front whose client is gone', () => {
  it('is closed after the grace period, and its backend child ends', async () => {
    const logger = recordingLogger();
    const proxy = cleanup.add(createProxy(echoTarget('echo-backend')), (p) => p.close());
    const http = cleanup.add(
      await serveHttp(proxy, { clientGoneGraceMs: 500, sessionIdleTimeoutMs: 600_000, logger }),
      (h) => h.close(),
    );
    const init = await rpc(http.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'vanishing', version: '1.0.0' },
      },
    });
    const sessionId = init.response.headers.get('mcp-session-id')!;
    const session = { 'mcp-session-id': sessionId };
    await rpc(http.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    const abort = new AbortController();
    const get = await fetch(http.url, {
      headers: { accept: 'text/event-stream', ...session },
      signal: abort.signal,
    });
    expect(get.status).toBe(200);
    const call = await rpc(
      http.url,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'pid', arguments: {} } },
      session,
    );
    const pid = Number(call.body.result.content[0].text);
    expect(isPidAlive(pid)).toBe(true);
    // The client vanishes: its GET stream drops and nothing more comes.
    abort.abort();
    await waitFor(() => http.sessionCount() === 0, {
      what: 'the front session to close',
      timeoutMs: 5000,
    });
    await waitFor(() => !isPidAlive(pid), {
      what: `backend child ${pid} to exit`,
      timeoutMs: 5000,
    });
    expect(logger.all()).toContain(
      `Closing session ${sessionId.slice(0, 8)}: its GET stream dropped`,
    );
  });
});
