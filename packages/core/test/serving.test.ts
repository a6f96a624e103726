import path from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { definePrompt, defineResource, defineTool, ProviderServer } from '@org/core';
import { type HttpServerHandle, serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireBuiltPackages } from './fixtures/builtPackages';
import { inbox } from './helpers';

const STDIO_SERVER = path.join(import.meta.dirname, 'fixtures', 'stdioServer.mjs');

function servedServer(): ProviderServer {
  return new ProviderServer({ name: 'served', version: '2.0.0' }).add(
    defineTool({
      name: 'add',
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }),
      handler: ({ a, b }) => ({ sum: a + b }),
    }),
    defineResource({ uri: 'served://readme', mimeType: 'text/plain', read: () => 'served' }),
    definePrompt({ name: 'hello', render: () => 'Hello' }),
  );
}

/** Resolves once the text read from `stream` matches `pattern`; rejects after `timeoutMs`. */
function waitForText(stream: Readable, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`No ${pattern} within ${timeoutMs} ms; got: ${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (!pattern.test(text)) return;
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(text);
    };
    stream.on('data', onData);
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a ProviderServer served with serveHttp', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connect(handle: HttpServerHandle, legacySse = false): Promise<Client> {
    const client = new Client({ name: legacySse ? 'sse-client' : 'http-client', version: '1' });
    const transport = legacySse
      ? new SSEClientTransport(new URL(handle.sseUrl!))
      : new StreamableHTTPClientTransport(new URL(handle.url));
    await client.connect(transport);
    cleanups.push(() => client.close());
    return client;
  }

  it('serves real SDK clients over loopback, streamable HTTP and legacy SSE, one session each', async () => {
    const server = servedServer();
    const handle = await serveHttp(server, { port: 0 });
    cleanups.push(
      () => server.close(),
      () => handle.close(),
    );
    expect(handle.host).toBe('127.0.0.1');
    const http = await connect(handle);
    const sse = await connect(handle, true);
    expect(handle.sessionCount()).toBe(2);
    expect(server.sessions).toHaveLength(2);

    for (const client of [http, sse]) {
      expect(client.getServerVersion()).toMatchObject({ name: 'served', version: '2.0.0' });
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
      const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
      expect(sum.structuredContent).toEqual({ sum: 42 });
      const read = await client.readResource({ uri: 'served://readme' });
      expect(read.contents).toEqual([
        { uri: 'served://readme', mimeType: 'text/plain', text: 'served' },
      ]);
      const prompt = await client.getPrompt({ name: 'hello' });
      expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Hello' });
    }

    const changes = [http, sse].map((client) => inbox(client, ToolListChangedNotificationSchema));
    server.add(defineTool({ name: 'late', handler: () => 'late' }));
    await Promise.all(changes.map((change) => change.next()));
    expect((await sse.listTools()).tools.map((t) => t.name)).toEqual(['add', 'late']);
  });
});

describe('a ProviderServer served with serveStdio in a child process', () => {
  it('serves an SDK client over StdioClientTransport, and the child exits once the client leaves', async () => {
    requireBuiltPackages();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [STDIO_SERVER],
      stderr: 'pipe',
    });
    const exited = waitForText(transport.stderr as Readable, /exited with code (\d+)/, 15_000);
    const client = new Client({ name: 'stdio-client', version: '1' });
    await client.connect(transport);
    const pid = transport.pid!;
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'stdio-fixture' });
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add', 'pid']);
      const sum = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
      expect(sum.structuredContent).toEqual({ sum: 3 });
      const reported = await client.callTool({ name: 'pid', arguments: {} });
      expect(reported.content).toEqual([{ type: 'text', text: String(pid) }]);
      const read = await client.readResource({ uri: 'fixture://readme' });
      expect(read.contents).toEqual([
        { uri: 'fixture://readme', mimeType: 'text/plain', text: 'over stdio' },
      ]);
      const prompt = await client.getPrompt({ name: 'hello' });
      expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Hello from stdio' });
    } finally {
      // Ends the child's stdin; the SDK waits for it to exit (and kills it only after 2 s).
      await client.close();
    }
    // It exited by itself, with code 0: a child killed by a signal runs no exit handler.
    expect(await exited).toMatch(/exited with code 0/);
    expect(isRunning(pid)).toBe(false);
  });
});
