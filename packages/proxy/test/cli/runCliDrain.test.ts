import { PassThrough, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defineTool, ProviderServer } from '@org/core';
import { within } from '@org/test-utils';
import { type HttpServerHandle, noopLogger, serveHttp } from '@org/transports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import { type CliHandle, runCli } from '../../src/cli/run';

let backend: HttpServerHandle;
let running: CliHandle | undefined;
const clients: Client[] = [];
/** Resolves when the backend's `slow` tool starts. */
let started: Promise<void>;
/** Lets the backend's `slow` tool answer. */
let release: () => void;

beforeEach(async () => {
  let onStarted!: () => void;
  started = new Promise((resolve) => {
    onStarted = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = new ProviderServer({ name: 'backend' });
  server.add(
    defineTool({
      name: 'slow',
      description: 'Answers once released',
      handler: async () => {
        onStarted();
        await released;
        return 'done';
      },
    }),
  );
  backend = await serveHttp(server, { port: 0 });
});

afterEach(async () => {
  release();
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  await running?.close();
  running = undefined;
  await backend.close();
});

async function start(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const command = parseCliArgs([backend.url, '--transport', 'http'], {});
  if (command.action !== 'run') throw new Error('Expected a run command');
  const io = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new Writable({ write: (_chunk, _encoding, done) => done() }),
    logger: noopLogger,
  };
  running = await runCli(command.config, io);
  const transport = new StreamableHTTPClientTransport(new URL(running.url!));
  const client = new Client({ name: 'drain', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, transport };
}

/** Starts a `slow` call and resolves, with the call, once the backend runs it. */
async function slowCall(client: Client): Promise<{ call: Promise<unknown> }> {
  const call = client.callTool({ name: 'slow', arguments: {} });
  call.catch(() => {});
  await within(started, 10_000, 'the slow call to reach the backend');
  return { call }; // not the call itself: an async function would wait for it
}

describe('CliHandle.drain', () => {
  it('ends at once when nothing is in flight, and refuses what comes next', async () => {
    const { client } = await start();
    expect(await running!.drain(10_000)).toEqual({ inFlight: 0, cutOff: 0, abandoned: 0 });
    await expect(client.listTools()).rejects.toThrow(
      'MCP error -32000: Proxy is shutting down: no new requests are accepted',
    );
  });

  it('waits for a call in flight, refusing new requests meanwhile', async () => {
    const { client } = await start();
    const { call } = await slowCall(client);
    const drained = running!.drain(10_000);
    await expect(client.listTools()).rejects.toThrow('Proxy is shutting down');
    release();
    expect(await call).toMatchObject({ content: [{ type: 'text', text: 'done' }] });
    expect(await drained).toEqual({ inFlight: 1, cutOff: 0, abandoned: 0 });
  });

  it('answers a call still running at the deadline with an error', async () => {
    const { client } = await start();
    const { call } = await slowCall(client);
    expect(await running!.drain(50)).toEqual({ inFlight: 1, cutOff: 1, abandoned: 0 });
    await expect(call).rejects.toThrow(
      "Proxy is shutting down: the request was cut off: the shutdown's drain deadline (50 ms) passed",
    );
  });

  it('counts a call whose session ended during the drain as abandoned', async () => {
    const { client, transport } = await start();
    await slowCall(client);
    const drained = running!.drain(10_000);
    await transport.terminateSession();
    expect(await drained).toEqual({ inFlight: 1, cutOff: 0, abandoned: 1 });
  });
});
