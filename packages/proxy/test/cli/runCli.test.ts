import { PassThrough, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defineTool, ProviderServer } from '@org/core';
import { type HttpServerHandle, noopLogger, serveHttp } from '@org/transports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import type { CliConfig } from '../../src/cli/cliConfig';
import { type CliHandle, type CliIo, runCli } from '../../src/cli/run';

let backend: HttpServerHandle;
let running: CliHandle | undefined;

beforeEach(async () => {
  const server = new ProviderServer({ name: 'backend' });
  server.add(
    defineTool({ name: 'greet', description: 'Greets', handler: () => 'hello from backend' }),
  );
  backend = await serveHttp(server, { port: 0 });
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  await backend.close();
});

function configOf(argv: string[]): CliConfig {
  const command = parseCliArgs(argv, {});
  if (command.action !== 'run') throw new Error('Expected a run command');
  return command.config;
}

function captureIo(stdin = new PassThrough(), stdout: NodeJS.WritableStream = new PassThrough()) {
  let stderr = '';
  const io: CliIo = {
    stdin,
    stdout,
    stderr: new Writable({
      write(chunk, _encoding, done) {
        stderr += String(chunk);
        done();
      },
    }),
    logger: noopLogger,
  };
  return { io, stderr: () => stderr };
}

describe('runCli in process', () => {
  it('fronts a URL backend over HTTP and prints the listening line', async () => {
    const { io, stderr } = captureIo();
    running = await runCli(configOf([backend.url, '--transport', 'http', '--name', 'gw']), io);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(stderr()).toBe(`Proxy listening on ${running.url} (SSE: ${running.sseUrl})\n`);
    const client = new Client({ name: 'in-process', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url!)));
      expect(client.getServerVersion()?.name).toBe('gw');
      const result = await client.callTool({ name: 'greet', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'hello from backend' }]);
    } finally {
      await client.close();
    }
  });

  it('serves stdio on the given streams; closed resolves when stdin ends', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const { io } = captureIo(stdin, stdout);
    running = await runCli(configOf([backend.url]), io);
    expect(running.url).toBeUndefined();
    const firstLine = new Promise<string>((resolve) => {
      stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    });
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      },
    };
    stdin.write(`${JSON.stringify(init)}\n`);
    expect(JSON.parse(await firstLine)).toMatchObject({
      id: 1,
      result: { serverInfo: { name: 'org-mcp-proxy' } },
    });
    stdin.end();
    await running.closed;
  });

  it('rejects with the address when the front cannot start', async () => {
    const { io } = captureIo();
    const port = String(new URL(backend.url).port);
    await expect(
      runCli(configOf([backend.url, '--transport', 'http', '--port', port]), io),
    ).rejects.toThrow(`HTTP server cannot listen on: 127.0.0.1:${port}`);
  });

  it('close() is idempotent', async () => {
    const { io } = captureIo();
    const handle = await runCli(configOf([backend.url, '--transport', 'http']), io);
    await Promise.all([handle.close(), handle.close()]);
    await handle.closed;
  });
});
