import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { serveStdio } from '../../src/server/index';
import { countingFactory, textOf } from './fixtures/testServers';

/** A client transport over a pair of streams: writes to the server's stdin, reads its stdout. */
function streamClientTransport(toServer: PassThrough, fromServer: PassThrough): Transport {
  const buffer = new ReadBuffer();
  const transport: Transport = {
    async start() {
      fromServer.on('data', (chunk: Buffer) => {
        buffer.append(chunk);
        for (let message = buffer.readMessage(); message !== null; message = buffer.readMessage()) {
          transport.onmessage?.(message);
        }
      });
    },
    async send(message: JSONRPCMessage) {
      toServer.write(serializeMessage(message));
    },
    async close() {
      toServer.end();
      transport.onclose?.();
    },
  };
  return transport;
}

describe('serveStdio', () => {
  it('serves a client over the given streams and closes when stdin ends', async () => {
    const counter = countingFactory();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const handle = await serveStdio(counter.factory, { stdin, stdout });
    const client = new Client({ name: 'stdio-client', version: '1.0.0' });
    try {
      await client.connect(streamClientTransport(stdin, stdout));
      expect(counter.sessions).toEqual([{ transport: 'stdio' }]);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'piped' } }))).toBe(
        'piped',
      );
    } finally {
      await client.close();
    }
    await handle.closed;
    expect(counter.closed).toBe(1);
  });

  it('closes on close()', async () => {
    const counter = countingFactory();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const handle = await serveStdio(counter.factory, { stdin, stdout });
    const replies: string[] = [];
    stdout.setEncoding('utf8').on('data', (chunk: string) => replies.push(chunk));
    stdin.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await new Promise<void>((resolve) => stdout.once('data', () => resolve()));
    expect(JSON.parse(replies.join(''))).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    await handle.close();
    await handle.closed;
    expect(counter.closed).toBe(1);
    stdin.destroy();
  });
});
