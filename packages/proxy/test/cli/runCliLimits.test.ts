import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { noopLogger } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import { type CliHandle, runCli } from '../../src/cli/run';

// --max-children reaches the proxy: one child per client session (per-session), the session
// beyond the limit fails naming the limit and the backend.

const RAW_ECHO = path.join(import.meta.dirname, '../reliability/fixtures/rawEchoBackend.mjs');

let running: CliHandle | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  await running?.close();
  running = undefined;
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'limits', version: '1.0.0' });
  clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

describe('runCli limits', () => {
  it('--max-children refuses the session beyond the limit', async () => {
    const command = parseCliArgs(
      ['--transport', 'http', '--max-children', '1', '--', process.execPath, RAW_ECHO],
      {},
    );
    if (command.action !== 'run') throw new Error('Expected a run command');
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
    running = await runCli(command.config, { ...io, logger: noopLogger });
    const first = await connect(running.url!);
    const result = await first.callTool({ name: 'echo', arguments: { text: 'one' } });
    expect(result.content).toEqual([{ type: 'text', text: 'one' }]);
    await expect(connect(running.url!)).rejects.toThrow(
      /Cannot start backend node: the proxy's limit of 1 child process \(maxChildren, --max-children\) is reached/,
    );
  });
});
