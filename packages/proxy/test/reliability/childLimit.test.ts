import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createProxy, serveHttp } from '@org/proxy';
import { childPids } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, RAW_ECHO, textOf } from './fixtures/harness';

// Promise: with per-session and a stdio backend, a proxy never runs more than `maxChildren`
// backend children: a client session beyond the limit fails with an error naming the limit and
// the backend (nothing is forked), sessions already open keep working, and a session that ends
// makes room again.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function session(url: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'child-limit', version: '1.0.0' });
  await client.connect(transport);
  cleanup.add(client, (c) => c.close());
  return { client, transport };
}

/** Calls `attempt` until it succeeds, every 50 ms, for at most `ms`. */
async function retrying<T>(attempt: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('maxChildren', () => {
  it('refuses a session beyond the limit with an error naming it, and frees room when a session ends', async () => {
    const proxy = cleanup.add(createProxy(RAW_ECHO, { maxChildren: 2 }), (p) => p.close());
    const http = cleanup.add(await serveHttp(proxy), (h) => h.close());
    const first = await session(http.url);
    const second = await session(http.url);
    const echo = (client: Client, text: string) =>
      client.callTool({ name: 'echo', arguments: { text } }).then(textOf);
    expect(await echo(first.client, 'a')).toBe('a');
    expect(await echo(second.client, 'b')).toBe('b');
    expect(childPids(process.pid)).toHaveLength(2);

    // The third session: its initialize or its first request fails, naming the limit.
    const failure = await (async () => {
      try {
        const third = await session(http.url);
        await echo(third.client, 'c');
        return 'no failure';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    })();
    expect(failure).toContain(
      "Cannot start backend raw-echo: the proxy's limit of 2 child processes (maxChildren, --max-children) is reached",
    );
    expect(childPids(process.pid)).toHaveLength(2);
    // The refused session does not stay open (its initialize failed).
    await expect.poll(() => http.sessionCount()).toBe(2);
    expect(await echo(first.client, 'still')).toBe('still');

    // Ending a session frees its child's place.
    await first.transport.terminateSession();
    await first.client.close();
    await expect.poll(() => childPids(process.pid).length, { timeout: 5000 }).toBe(1);
    // The place is free once the child has exited and been reaped, a moment after it is gone
    // from the process table (some 10 to 150 ms): a client that retries gets in.
    const fourth = await retrying(() => session(http.url), 5000);
    expect(await echo(fourth.client, 'd')).toBe('d');
  });

  it('counts the children of every server of a config together', async () => {
    const proxy = cleanup.add(
      createProxy({ mcpServers: { a: RAW_ECHO, b: RAW_ECHO } }, { maxChildren: 3 }),
      (p) => p.close(),
    );
    const http = cleanup.add(await serveHttp(proxy), (h) => h.close());
    const first = await session(http.url);
    expect((await first.client.listTools()).tools.map((tool) => tool.name)).toEqual([
      'a_echo',
      'b_echo',
    ]);
    // The second session gets the third child (for one server); the other is refused for it.
    const second = await session(http.url);
    const listed = (await second.client.listTools()).tools.map((tool) => tool.name);
    expect(listed).toHaveLength(1);
    const missing = listed[0] === 'a_echo' ? 'b' : 'a';
    const refused = await second.client.callTool({
      name: `${missing}_echo`,
      arguments: { text: 'x' },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe(
      `Cannot start backend ${missing}: the proxy's limit of 3 child processes (maxChildren, --max-children) is reached; retry when a session ends`,
    );
    expect(childPids(process.pid)).toHaveLength(3);
  });

  it('rejects a bad maxChildren when the proxy is made', () => {
    expect(() => createProxy(RAW_ECHO, { maxChildren: -1 })).toThrow('Invalid maxChildren: -1');
  });
});
