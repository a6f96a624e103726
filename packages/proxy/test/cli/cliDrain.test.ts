import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { childPids, groupMembers, waitFor, within } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildStdioTransport } from './childStdioTransport';
import { type CliProcess, startCli } from './cliProcess';

const LISTENING = /Proxy listening on (http:\/\/\S+)/;
const slowServer = path.resolve(import.meta.dirname, 'slowServer.mjs');
const posix = process.platform !== 'win32';

type Front = 'http' | 'stdio';

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

interface Running {
  cli: CliProcess;
  client: Client;
  url: string | undefined;
  /** The backend's process group: `bash -c "node slowServer.mjs ...; true"` and its server. */
  pgid: number;
  /** Creating this file lets the `wait` call in flight answer. */
  releaseFile: string;
  /** The `wait` call, in flight on the backend. */
  call: Promise<unknown>;
}

describe.runIf(posix)('CLI graceful shutdown', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Starts the CLI with a client whose slow `wait` call has reached the backend. */
  async function startWithCallInFlight(front: Front, drainTimeoutMs: number): Promise<Running> {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-drain-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const releaseFile = path.join(dir, 'release');
    // A wrapper that does not pass signals on, in front of a server that ignores stdin EOF.
    const script = `${quote(process.execPath)} ${quote(slowServer)} ${quote(releaseFile)}; true`;
    const frontArgs = front === 'http' ? ['--transport', 'http', '--port', '0'] : [];
    const cli = startCli([
      ...frontArgs,
      '--drain-timeout',
      String(drainTimeoutMs),
      '--',
      'bash',
      '-c',
      script,
    ]);
    cleanup.push(() => cli.stop());
    let transport: Transport;
    let url: string | undefined;
    if (front === 'http') {
      url = (await cli.waitForStderr(LISTENING))[1]!;
      transport = new StreamableHTTPClientTransport(new URL(url));
    } else transport = new ChildStdioTransport(cli.child);
    const client = new Client({ name: 'cli-drain', version: '1.0.0' });
    await client.connect(transport);
    cleanup.push(() => client.close().catch(() => {}));
    let onStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      onStarted = resolve;
    });
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
      onprogress: () => onStarted(),
      timeout: 60_000,
    });
    call.catch(() => {}); // awaited by the test
    await within(started, 15_000, 'the wait call to reach the backend');
    const [pgid] = childPids(cli.pid);
    expect(pgid).toBeDefined();
    cleanup.push(() => {
      try {
        process.kill(-pgid!, 'SIGKILL');
      } catch {
        // gone
      }
    });
    expect(groupMembers(pgid!).length).toBe(2); // bash and the server
    return { cli, client, url, pgid: pgid!, releaseFile, call };
  }

  for (const front of ['http', 'stdio'] as const) {
    const signal = front === 'http' ? 'SIGTERM' : 'SIGINT';
    it(`with the ${front} front, lets a call in flight finish after ${signal}, refusing new work`, async () => {
      const run = await startWithCallInFlight(front, 30_000);
      run.cli.child.kill(signal);
      await run.cli.waitForStderr(new RegExp(`Received ${signal}, shutting down`));

      // New requests on the open session, and new sessions, are refused at once.
      await expect(run.client.listTools()).rejects.toThrow(
        'Proxy is shutting down: no new requests are accepted',
      );
      if (run.url !== undefined) {
        const late = new Client({ name: 'late', version: '1.0.0' });
        // A new session gets 503 from the HTTP front (connections are still taken: clients of
        // open sessions may need new ones).
        await expect(
          late.connect(new StreamableHTTPClientTransport(new URL(run.url))),
        ).rejects.toThrow(/the server is shutting down and takes no new sessions/);
      }

      writeFileSync(run.releaseFile, '');
      expect(await run.call).toMatchObject({ content: [{ type: 'text', text: 'released' }] });
      expect(await run.cli.waitForExit(20_000)).toEqual({ code: 0, signal: null });
      expect(run.cli.stderr()).toContain('Drained: all 1 in-flight request finished');
      expect(groupMembers(run.pgid)).toEqual([]);
    }, 60_000);

    it(`with the ${front} front, cuts a call off at the drain deadline and exits 3`, async () => {
      const run = await startWithCallInFlight(front, 300);
      run.cli.child.kill('SIGTERM');
      await expect(run.call).rejects.toThrow(
        "Proxy is shutting down: the request was cut off: the shutdown's drain deadline (300 ms) passed",
      );
      expect(await run.cli.waitForExit(20_000)).toEqual({ code: 3, signal: null });
      expect(run.cli.stderr()).toContain('Drain deadline passed: 1 request cut off');
      expect(groupMembers(run.pgid)).toEqual([]);
    }, 60_000);
  }

  it('exits at once on a second SIGTERM during the drain, still killing the backend group', async () => {
    const run = await startWithCallInFlight('http', 30_000);
    run.cli.child.kill('SIGTERM');
    await run.cli.waitForStderr(/Received SIGTERM, shutting down/);
    run.cli.child.kill('SIGTERM');
    expect(await run.cli.waitForExit(5_000)).toEqual({ code: 143, signal: null });
    expect(run.cli.stderr()).toContain('Received SIGTERM during the shutdown, exiting at once');
    await waitFor(() => groupMembers(run.pgid).length === 0, {
      what: `backend group ${run.pgid} to exit`,
    });
  }, 60_000);
});
