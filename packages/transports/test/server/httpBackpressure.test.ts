import { connect, type Socket } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { type HttpServeOptions, serveHttp } from '../../src/server/index';
import { callRequest, post, rawSession, useCleanup } from './fixtures/http';
import { parseEvents } from './fixtures/sseClient';
import { buildTestServer } from './fixtures/testServers';

const defer = useCleanup();

async function serve(options: HttpServeOptions = {}) {
  const servers: McpServer[] = [];
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (message: string) => warnings.push(message),
    error() {},
  };
  const handle = await serveHttp(
    () => {
      const server = buildTestServer();
      servers.push(server);
      return server;
    },
    { logger, ...options },
  );
  defer(() => handle.close());
  return { handle, servers, warnings };
}

/**
 * Opens the standalone GET stream of a session over a raw socket that stops reading once the
 * response headers arrived (its receive buffer fills, then the server's send buffer).
 */
async function stalledGet(port: number, sessionId: string) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  defer(() => socket.destroy());
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let head = '';
  const headers = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
  });
  socket.write(
    `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${sessionId}\r\n\r\n`,
  );
  await headers;
  expect(head).toMatch(/^HTTP\/1\.1 200/);
  return { socket, head: () => head, closed: () => closed };
}

const memory = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
};

describe('streamable HTTP backpressure', () => {
  it('closes a stream whose client does not read once its queue passes the bound, and keeps serving', async () => {
    const bound = 1024 * 1024;
    const { handle, servers, warnings } = await serve({ maxSseQueueBytes: bound });
    const sessionId = await rawSession(handle.url);
    const other = await rawSession(handle.url);
    const stalled = await stalledGet(handle.port, sessionId);
    const server = servers[0]!.server;
    const chunk = 'x'.repeat(64 * 1024);
    globalThis.gc?.();
    const before = memory();
    let peak = 0;
    // 100 MiB pushed at a reader that reads nothing.
    for (let n = 0; n < 1600; n++) {
      await server.sendLoggingMessage({ level: 'info', data: `${n}:${chunk}` });
      if (n % 100 === 0) {
        peak = Math.max(peak, memory() - before);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    peak = Math.max(peak, memory() - before);
    await waitFor(() => warnings.some((message) => message.includes('not reading')), {
      what: 'the stalled stream to be closed',
    });
    // The server ended the connection: reading again finds its end.
    stalled.socket.resume();
    await waitFor(() => stalled.closed(), { what: 'the socket to close' });
    const warning = warnings.find((message) => message.includes('not reading'));
    expect(warning).toBe(
      `SSE stream of session ${sessionId.slice(0, 8)} closed: its client is not reading (more than ${bound} bytes queued)`,
    );
    expect(warning).not.toContain(sessionId);
    // Without the bound the 100 MiB would sit in the server's memory.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
    // The server keeps serving: another session and the stalled one's own.
    for (const id of [other, sessionId]) {
      const call = await post(handle.url, callRequest(3, 'echo', { text: 'alive' }), {
        'mcp-session-id': id,
      });
      expect(((await call.json()) as any).result.content[0].text).toBe('alive');
    }
  });

  it('waits for drain: a reader that pauses and then reads gets every event, in order', async () => {
    const { handle, servers, warnings } = await serve({ maxSseQueueBytes: 64 * 1024 * 1024 });
    const sessionId = await rawSession(handle.url);
    const stalled = await stalledGet(handle.port, sessionId);
    const server = servers[0]!.server;
    const chunk = 'y'.repeat(16 * 1024);
    const count = 1000; // 16 MiB: more than the socket buffers hold
    for (let n = 0; n < count; n++) {
      await server.sendLoggingMessage({ level: 'info', data: `${n}:${chunk}` });
    }
    let body = '';
    stalled.socket.setEncoding('latin1');
    stalled.socket.on('data', (data: string) => {
      body += data;
    });
    stalled.socket.resume();
    const seen = () =>
      parseEvents(body.slice(body.indexOf('\r\n\r\n') + 4).replace(/\r\n[0-9a-f]+\r\n/g, ''))
        .filter((event) => event.data.startsWith('{'))
        .map((event) => Number(JSON.parse(event.data).params.data.split(':')[0]));
    await waitFor(() => body.includes(`"${count - 1}:`) && body.endsWith('\n\n\r\n'), {
      what: 'every event to arrive',
      timeoutMs: 20_000,
    });
    expect(seen()).toEqual([...Array(count).keys()]);
    expect(warnings.filter((message) => message.includes('not reading'))).toEqual([]);
    expect(stalled.closed()).toBe(false);
  });
});
