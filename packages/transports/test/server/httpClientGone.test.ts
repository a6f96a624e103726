import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { type HttpServeOptions, serveHttp } from '../../src/server/index';
import { post, rawSession, useCleanup } from './fixtures/http';
import { openStream } from './fixtures/sseClient';
import { countingFactory, textOf } from './fixtures/testServers';

const defer = useCleanup();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(options: HttpServeOptions) {
  const counter = countingFactory();
  const infos: string[] = [];
  const logger = {
    debug() {},
    info: (message: string) => infos.push(message),
    warn() {},
    error() {},
  };
  const handle = await serveHttp(counter.factory, { logger, ...options });
  defer(() => handle.close());
  return { handle, counter, infos };
}

const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('streamable HTTP sessions whose client is gone', () => {
  it('closes a session, and its server, once its GET stream dropped and the client fell silent', async () => {
    const { handle, counter, infos } = await serve({ clientGoneGraceMs: 300 });
    const sessionId = await rawSession(handle.url);
    const get = await openStream(handle.url, { headers: { 'mcp-session-id': sessionId } });
    await get.until((events) => events.length > 0);
    const dropped = Date.now();
    get.destroy();
    await waitFor(() => counter.closed === 1, { what: 'the session server to close' });
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(250);
    expect(handle.sessionCount()).toBe(0);
    expect(infos).toContain(
      `Closing session ${sessionId.slice(0, 8)}: its GET stream dropped and nothing came from its client for 300 ms`,
    );
    const late = await post(handle.url, ping(2), { 'mcp-session-id': sessionId });
    expect(late.status).toBe(404);
  });

  it('keeps a session whose client still sends after its GET stream dropped', async () => {
    const { handle, counter } = await serve({ clientGoneGraceMs: 400 });
    const sessionId = await rawSession(handle.url);
    const get = await openStream(handle.url, { headers: { 'mcp-session-id': sessionId } });
    await get.until((events) => events.length > 0);
    get.destroy();
    for (let n = 0; n < 8; n++) {
      await sleep(150);
      const response = await post(handle.url, ping(10 + n), { 'mcp-session-id': sessionId });
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(counter.closed).toBe(0);
    // Once it falls silent the grace period runs out.
    await waitFor(() => counter.closed === 1, { what: 'the silent session to close' });
  });

  it('leaves a session that never opened a GET stream to the idle timeout', async () => {
    const { handle, counter } = await serve({ clientGoneGraceMs: 100 });
    await rawSession(handle.url);
    await sleep(600);
    expect(counter.closed).toBe(0);
    expect(handle.sessionCount()).toBe(1);
  });

  it('keeps an SDK client whose GET stream dropped and which reconnected', async () => {
    const { handle, counter } = await serve({ clientGoneGraceMs: 300 });
    const cuts: (() => void)[] = [];
    const resumedFrom: (string | null)[] = [];
    const cuttingFetch: typeof fetch = async (input, init) => {
      if ((init?.method ?? 'GET') !== 'GET') return fetch(input, init);
      resumedFrom.push(new Headers(init?.headers).get('last-event-id'));
      const abort = new AbortController();
      init?.signal?.addEventListener('abort', () => abort.abort());
      cuts.push(() => abort.abort());
      return fetch(input, { ...init, signal: abort.signal });
    };
    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      fetch: cuttingFetch,
      reconnectionOptions: {
        initialReconnectionDelay: 50,
        maxReconnectionDelay: 200,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 5,
      },
    });
    const client = new Client({ name: 'reconnecting-client', version: '1.0.0' });
    client.onerror = () => {};
    await client.connect(transport);
    defer(() => client.close());
    await waitFor(() => cuts.length === 1, { what: 'the GET stream' });
    await sleep(50);
    cuts[0]!();
    await waitFor(() => cuts.length === 2, { what: 'the SDK client to reconnect its GET' });
    // It resumed the GET stream from the priming event it had.
    expect(resumedFrom[0]).toBeNull();
    expect(resumedFrom[1]).toMatch(/^[0-9a-f]{8}_g_1$/);
    await sleep(900);
    expect(counter.closed).toBe(0);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(textOf(result)).toBe('still here');
  });
});
