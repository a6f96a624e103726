import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { childPids, everythingServerScript, isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { ChildStdioTransport } from './childStdioTransport';
import { type CliProcess, startCli } from './cliProcess';

const LISTENING = /Proxy listening on (http:\/\/\S+)/;
const BACKEND = ['--', process.execPath, everythingServerScript(), 'stdio'];

type Front = 'http' | 'stdio';

/** Starts the CLI with that front and a connected client. */
async function cliWithClient(front: Front): Promise<{ cli: CliProcess; client: Client }> {
  const cli = startCli(
    front === 'http' ? ['--transport', 'http', '--port', '0', ...BACKEND] : BACKEND,
  );
  const client = new Client({ name: 'cli-shutdown', version: '1.0.0' });
  let transport: Transport;
  if (front === 'http') {
    const [, url] = await cli.waitForStderr(LISTENING);
    transport = new StreamableHTTPClientTransport(new URL(url!));
  } else transport = new ChildStdioTransport(cli.child);
  await client.connect(transport);
  return { cli, client };
}

describe('CLI shutdown', () => {
  it.each<[Front, 'SIGTERM' | 'SIGINT']>([
    ['http', 'SIGTERM'],
    ['http', 'SIGINT'],
    ['stdio', 'SIGTERM'],
    ['stdio', 'SIGINT'],
  ])('with the %s front, exits 0 on %s, closing the backend child', async (front, signal) => {
    const { cli, client } = await cliWithClient(front);
    let backendPids: number[] = [];
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      backendPids = childPids(cli.pid);
      expect(backendPids.length).toBeGreaterThan(0);
      cli.child.kill(signal);
      const exit = await cli.waitForExit(10_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(cli.stderr()).toContain(`Received ${signal}, shutting down`);
      expect(cli.stderr()).not.toMatch(/^\s+at\s/m);
      for (const pid of backendPids) {
        await waitFor(() => !isPidAlive(pid), {
          timeoutMs: 5000,
          what: `backend ${pid} to exit`,
        });
      }
    } finally {
      await client.close().catch(() => {});
      await cli.stop();
      for (const pid of backendPids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
