import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serveHttp } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { Cleanup, initializeBody, POST_HEADERS, textOf } from './fixtures/harness';

// Promise: a flood of unauthenticated bare `initialize` POSTs (no DELETE, no follow-up) cannot
// make the proxy hold more than --max-sessions sessions. 2,000 of them, 8 at a time on
// loopback, hit the built CLI's HTTP front (per-session, an HTTP backend, --max-sessions 200):
// open sessions never exceed 200 (sampled on /health throughout, and counted from the
// answers: exactly 199 opened besides the client already connected, every other POST got 503
// with Retry-After and a JSON-RPC error naming the limit), the CLI's RSS grows by less than
// RSS_BOUND_BYTES, the client connected before the flood keeps working, a new client is refused
// until a session ends, and then it is served.

const FLOOD = 2000;
const LIMIT = 200;
const CONCURRENCY = 8;
/** The flood stops here whatever happened (then the count assertion fails, clearly). */
const FLOOD_TIME_LIMIT_MS = 20_000;
/**
 * RSS growth allowed over the whole flood: 200 open sessions (each a front session, an SDK
 * server, a backend client and its HTTP session) measured at 40 to 60 MB on Node 20 (about
 * 250 KB a session; see docs/reliability.md), with room for garbage not yet collected.
 */
const RSS_BOUND_BYTES = 96 * 1024 * 1024;
/** RSS growth allowed while only refusals are answered (garbage not yet collected). */
const REFUSALS_RSS_BOUND_BYTES = 24 * 1024 * 1024;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The resident set size of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`No VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

function echoBackend(): McpServer {
  const server = new McpServer({ name: 'flood-backend', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

async function connect(url: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'flood-normal-client', version: '1.0.0' });
  await client.connect(transport);
  cleanup.add(client, (c) => c.close());
  return { client, transport };
}

const echo = (client: Client, text: string) =>
  client.callTool({ name: 'echo', arguments: { text } }).then(textOf);

describe.skipIf(process.platform !== 'linux')('a flood of bare initialize POSTs', () => {
  it(`never holds more than --max-sessions ${LIMIT} sessions, and keeps serving`, async () => {
    const backend = cleanup.add(await serveHttp(() => echoBackend()), (h) => h.close());
    const cli: CliProcess = cleanup.add(
      startCli([
        backend.url,
        '--transport',
        'http',
        '--max-sessions',
        String(LIMIT),
        '--idle-timeout',
        '600000',
        '--max-body',
        '65536',
        '--log-level',
        'warn',
      ]),
      (c) => c.stop(),
    );
    const url = (await cli.waitForStderr(/Proxy listening on (\S+)/))[1]!;
    const health = url.replace(/\/mcp$/, '/health');
    const sessionsNow = async () =>
      ((await (await fetch(health)).json()) as { sessions: number }).sessions;

    const normal = await connect(url);
    expect(await echo(normal.client, 'before')).toBe('before');
    const rssBefore = rssOf(cli.pid);

    // Sample the open sessions while the flood runs.
    let maxSeen = 0;
    let flooding = true;
    const sampler = (async () => {
      while (flooding) {
        maxSeen = Math.max(maxSeen, await sessionsNow());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const statuses = new Map<number, number>();
    const refusals = new Set<string>();
    let sent = 0;
    const deadline = Date.now() + FLOOD_TIME_LIMIT_MS;
    const flood = async (upTo: number) => {
      const worker = async () => {
        while (sent < upTo && Date.now() < deadline) {
          const id = sent++;
          const answer = await fetch(url, {
            method: 'POST',
            headers: POST_HEADERS,
            body: initializeBody(id),
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const text = await answer.text();
          if (answer.status === 503) refusals.add(`${answer.headers.get('retry-after')} ${text}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    const t0 = performance.now();
    // First the limit fills up (and a few are refused), then everything is refused.
    await flood(LIMIT + 50);
    const rssFull = rssOf(cli.pid);
    await flood(FLOOD);
    const floodMs = performance.now() - t0;
    flooding = false;
    await sampler;
    const rssAfter = rssOf(cli.pid);
    const growth = rssAfter - rssBefore;
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.info(
      `flood: ${sent} POSTs in ${Math.round(floodMs)} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `max sessions seen ${maxSeen}, RSS ${mib(rssBefore)} -> ${mib(rssFull)} (limit reached) -> ${mib(rssAfter)} MiB`,
    );

    expect(sent).toBe(FLOOD);
    expect(statuses.get(200)).toBe(LIMIT - 1); // the normal client holds one session
    expect(statuses.get(503)).toBe(FLOOD - (LIMIT - 1));
    expect(maxSeen).toBeLessThanOrEqual(LIMIT);
    expect(await sessionsNow()).toBe(LIMIT);
    expect([...refusals]).toEqual([
      `10 {"jsonrpc":"2.0","error":{"code":-32000,"message":"Service Unavailable: the server's limit of ${LIMIT} open sessions (maxSessions) is reached; retry after a session ends"},"id":null}`,
    ]);
    expect(growth).toBeLessThan(RSS_BOUND_BYTES);
    // The 1,750 refusals after the limit was reached hold nothing.
    expect(rssAfter - rssFull).toBeLessThan(REFUSALS_RSS_BOUND_BYTES);

    // The client connected before keeps working; a new one is refused until a session ends.
    expect(await echo(normal.client, 'after')).toBe('after');
    const refused = new Client({ name: 'flood-late-client', version: '1.0.0' });
    await expect(refused.connect(new StreamableHTTPClientTransport(new URL(url)))).rejects.toThrow(
      `limit of ${LIMIT} open sessions`,
    );
    await normal.transport.terminateSession();
    await normal.client.close();
    const late = await connect(url);
    expect(await echo(late.client, 'late')).toBe('late');
    // --max-body reached the front too.
    const big = await fetch(url, {
      method: 'POST',
      headers: { ...POST_HEADERS, 'mcp-session-id': late.transport.sessionId ?? '' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { pad: 'x'.repeat(70_000) },
      }),
    });
    expect(big.status).toBe(413);
    await big.body?.cancel();
    // One refusal report for the whole flood, not one line per POST.
    expect(cli.stderr().match(/open sessions is reached/g)?.length ?? 0).toBeLessThanOrEqual(3);
  }, 40_000);
});
