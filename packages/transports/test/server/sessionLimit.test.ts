import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SESSIONS, serveHttp } from '../../src/server/index';
import { initializeRequest, post, useCleanup } from './fixtures/http';
import { countingFactory, textOf } from './fixtures/testServers';

// serveHttp's maxSessions: beyond it a new session (an initialize POST, a legacy SSE GET) gets
// 503 with Retry-After and a JSON-RPC error naming the limit; open sessions keep working, and
// one that ends makes room again.

const onCleanup = useCleanup();

async function serve(maxSessions: number) {
  const handle = await serveHttp(countingFactory().factory, { maxSessions });
  onCleanup(() => handle.close());
  return handle;
}

async function expectRefused(response: Response, limit: number): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('10');
  const body = (await response.json()) as { error: { code: number; message: string } };
  expect(body.error.code).toBe(-32000);
  expect(body.error.message).toContain(`limit of ${limit} open sessions`);
}

async function connect(url: string, sse = false): Promise<Client> {
  const client = new Client({ name: 'limit-test', version: '1.0.0' });
  const transport = sse
    ? new SSEClientTransport(new URL(url))
    : new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  onCleanup(() => client.close());
  return client;
}

describe('serveHttp maxSessions', () => {
  it('defaults to 1000 and rejects a bad value', async () => {
    expect(DEFAULT_MAX_SESSIONS).toBe(1000);
    await expect(serveHttp(countingFactory().factory, { maxSessions: -1 })).rejects.toThrow(
      'Invalid serveHttp option maxSessions: -1',
    );
    await expect(serveHttp(countingFactory().factory, { maxSessions: 1.5 })).rejects.toThrow(
      'maxSessions',
    );
  });

  it('refuses initialize beyond the limit with 503, keeps open sessions and makes room when one ends', async () => {
    const handle = await serve(2);
    const first = await connect(handle.url);
    const second = new StreamableHTTPClientTransport(new URL(handle.url));
    const secondClient = new Client({ name: 'limit-test', version: '1.0.0' });
    await secondClient.connect(second);
    onCleanup(() => secondClient.close());
    expect(handle.sessionCount()).toBe(2);

    await expectRefused(await post(handle.url, initializeRequest(7)), 2);
    // An SDK client sees the refusal as a failed connect naming the limit.
    const third = new Client({ name: 'limit-test', version: '1.0.0' });
    await expect(
      third.connect(new StreamableHTTPClientTransport(new URL(handle.url))),
    ).rejects.toThrow(/limit of 2 open sessions/);
    expect(handle.sessionCount()).toBe(2);

    // Open sessions keep working.
    const echoed = await first.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(textOf(echoed)).toBe('still here');

    // Ending one makes room again.
    await second.terminateSession();
    await secondClient.close();
    expect(handle.sessionCount()).toBe(1);
    const fresh = await connect(handle.url);
    expect(textOf(await fresh.callTool({ name: 'echo', arguments: { text: 'in' } }))).toBe('in');
  });

  it('counts legacy SSE sessions in the same limit', async () => {
    const handle = await serve(1);
    const sse = await connect(handle.sseUrl!, true);
    await expectRefused(await post(handle.url, initializeRequest(1)), 1);
    const refused = await fetch(handle.sseUrl!, { headers: { accept: 'text/event-stream' } });
    await expectRefused(refused, 1);
    expect(textOf(await sse.callTool({ name: 'echo', arguments: { text: 'sse' } }))).toBe('sse');
    await sse.close();
    await expect.poll(() => handle.sessionCount()).toBe(0);
    const streamable = await connect(handle.url);
    expect(textOf(await streamable.callTool({ name: 'echo', arguments: { text: 'ok' } }))).toBe(
      'ok',
    );
  });

  it('never opens more than the limit under concurrent initialize POSTs', async () => {
    const handle = await serve(5);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(handle.url, initializeRequest(i))),
    );
    const statuses = answers.map((answer) => answer.status);
    await Promise.all(answers.map((answer) => answer.body?.cancel()));
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 503)).toHaveLength(35);
    expect(handle.sessionCount()).toBe(5);
  });

  it('0 means no limit', async () => {
    const handle = await serve(0);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(handle.url, initializeRequest(i))),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await Promise.all(answers.map((answer) => answer.body?.cancel()));
  });
});
