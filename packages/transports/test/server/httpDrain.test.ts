import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/server/index';
import { useCleanup } from './fixtures/http';
import { countingFactory } from './fixtures/testServers';

// HttpServerHandle.drain(): the first step of a graceful shutdown. No new connections and no
// new sessions; the sessions already open keep being served until close().

const onCleanup = useCleanup();

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'x', version: '1' },
  },
});

/** POSTs an initialize on a connection of its own (no keep-alive pool). */
function freshInitialize(
  url: string,
): Promise<{ status?: number; error?: string; retryAfter?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] as string });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
    req.end(INITIALIZE);
  });
}

describe('serveHttp drain()', () => {
  it('refuses new sessions with 503 while open sessions keep working, on new connections too', async () => {
    const handle = await serveHttp(countingFactory().factory);
    onCleanup(() => handle.close());
    const client = new Client({ name: 'open', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(handle.url)));
    onCleanup(() => client.close());
    const before = await freshInitialize(handle.url);
    expect(before.status).toBe(200);

    handle.drain();
    expect(await freshInitialize(handle.url)).toEqual({ status: 503, retryAfter: '10' });
    // The session opened before still answers, whatever connection its requests take.
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(handle.sessionCount()).toBeGreaterThanOrEqual(1);
    await handle.close();
    expect(handle.sessionCount()).toBe(0);
  });
});
