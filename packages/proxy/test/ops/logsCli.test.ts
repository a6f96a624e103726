import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { waitFor, workspaceServerScript } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { labelOf } from '../isolation/fixtures';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const TOKEN = 'cli-front-token-31337';
const ENV_SECRET = 'cli-env-secret-8080';
const BACKEND = [
  ...['--env', `WORKSPACE_PREFIX=c`, '--env', `UPSTREAM_KEY=${ENV_SECRET}`],
  ...['--', process.execPath, workspaceServerScript(), 'stdio'],
];

async function connect(url: string): Promise<{ client: Client; sessionId: string }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
  });
  const client = new Client({ name: 'cli-logs', version: '1.0.0' });
  await client.connect(transport);
  return { client, sessionId: transport.sessionId! };
}

const jsonLines = (stderr: string): Array<Record<string, unknown>> =>
  stderr
    .split('\n')
    .filter((line) => line !== '' && !LISTENING.test(line))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the CLI request log', () => {
  it('writes JSON lines with the request fields to stderr with --log-format json', async () => {
    const cli = startCli([
      ...['--transport', 'http', '--auth-token', TOKEN, '--log-format', 'json'],
      ...BACKEND,
    ]);
    const clients: Client[] = [];
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      const [a, b] = await Promise.all([connect(url!), connect(url!)]);
      clients.push(a.client, b.client);
      const [labelA, labelB] = await Promise.all([labelOf(a.client), labelOf(b.client)]);
      await b.client.callTool({ name: `only_${labelB}`, arguments: {} });
      await waitFor(
        () => jsonLines(cli.stderr()).filter((line) => line.method === 'tools/call').length >= 3,
        { timeoutMs: 10_000 },
      );
      // Each client has its own backend child (per-session); sessions differ.
      expect(labelA).toMatch(/^c/);
      expect(a.sessionId).not.toBe(b.sessionId);
      // Every line but the listening one is JSON.
      const lines = jsonLines(cli.stderr());
      const calls = lines.filter((line) => line.method === 'tools/call');
      expect(calls.map((line) => [line.sessionId, line.name]).sort()).toEqual(
        [
          [a.sessionId, 'whoami'],
          [b.sessionId, 'whoami'],
          [b.sessionId, `only_${labelB}`],
        ].sort(),
      );
      for (const call of calls) {
        expect(call).toMatchObject({
          level: 'info',
          outcome: 'ok',
          requestId: expect.any(String),
          server: expect.any(String),
          durationMs: expect.any(Number),
          time: expect.any(String),
        });
      }
      // The default level is info: lists are not logged.
      expect(lines.some((line) => line.method === 'tools/list')).toBe(false);
      expect(cli.stderr()).not.toContain(TOKEN);
      expect(cli.stderr()).not.toContain(ENV_SECRET);
    } finally {
      for (const client of clients) await client.close();
      await cli.stop();
    }
  });

  it('writes one text line per call by default, lists at debug', async () => {
    const cli = startCli(['--transport', 'http', '--log-level', 'debug', ...BACKEND]);
    const client = new Client({ name: 'cli-text', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      const transport = new StreamableHTTPClientTransport(new URL(url!));
      await client.connect(transport);
      await labelOf(client);
      await client.listTools();
      await cli.waitForStderr(/\[info\] tools\/call whoami ok in [\d.]+ms \{.*"sessionId":"[^"]+"/);
      await cli.waitForStderr(/\[debug\] tools\/list ok in/);
      expect(cli.stderr()).toContain(`"sessionId":"${transport.sessionId}"`);
      expect(cli.stderr()).not.toContain(ENV_SECRET);
    } finally {
      await client.close();
      await cli.stop();
    }
  });
});
