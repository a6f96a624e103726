import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { childPids, everythingServerScript, isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from './cliProcess';

const LISTENING = /Proxy listening on (http:\/\/\S+)/;

describe('CLI shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits 0 on %s, closing the backend child',
    async (signal) => {
      const cli = startCli([
        ...['--transport', 'http', '--port', '0'],
        ...['--', process.execPath, everythingServerScript(), 'stdio'],
      ]);
      const client = new Client({ name: 'cli-shutdown', version: '1.0.0' });
      let backendPids: number[] = [];
      try {
        const [, url] = await cli.waitForStderr(LISTENING);
        await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
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
    },
  );
});
