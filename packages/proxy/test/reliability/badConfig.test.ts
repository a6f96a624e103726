import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasStackTrace, requireBuiltCli, runCliToEnd, startCli } from '../cli/cliProcess';
import { frontHttp } from '../fixtures/fronts';
import { Cleanup, failureOf } from './fixtures/harness';

// Promise: a bad configuration gets a message naming the file, the server and the field, and
// the CLI exits with code 2 without a stack trace. A command that does not exist cannot be
// known at startup (backends start lazily, when a client needs them): the CLI runs, and the
// first client gets an error naming the backend and the command, and the CLI keeps running.
// (More argument errors: ../cli/cliErrors.test.ts.)

const UNSET = 'RELIABILITY_SURELY_UNSET_VARIABLE';
const GHOST = '/nonexistent/ghost-mcp-server';

let dir: string;
const cleanup = new Cleanup();

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'reliability-config-'));
});

afterEach(async () => {
  await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(text: string): string {
  const file = path.join(dir, 'mcp.json');
  writeFileSync(file, text);
  return file;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe('a bad config file', () => {
  it.each<[string, (file: string) => string | undefined, (file: string) => string[]]>([
    ['a missing file', () => undefined, (file) => [`${file}: cannot read file: ENOENT`]],
    [
      'invalid JSON',
      () => '{\n  "mcpServers": {\n    "weather": { "command": "x" },,\n  }\n}',
      (file) => [`${file}: invalid JSON at line 3, column`],
    ],
    [
      'a wrong field',
      () => json({ mcpServers: { weather: { command: 'node', args: 'server.js' } } }),
      (file) => [`${file}: mcpServers.weather.args:`],
    ],
    [
      'an unset variable',
      () => json({ mcpServers: { weather: { command: 'node', env: { TOKEN: `\${${UNSET}}` } } } }),
      (file) => [`${file}: mcpServers.weather.env.TOKEN: environment variable ${UNSET} is not set`],
    ],
    [
      'an unset variable in a header',
      () =>
        json({
          mcpServers: {
            api: {
              url: 'https://example.com/mcp',
              headers: { Authorization: `Bearer \${${UNSET}}` },
            },
          },
        }),
      (file) => [
        `${file}: mcpServers.api.headers.Authorization: environment variable ${UNSET} is not set`,
      ],
    ],
  ])(
    '%s: names the file, server and field; exit 2, no stack trace',
    async (_case, text, expected) => {
      const file = path.join(dir, 'mcp.json');
      const content = text(file);
      if (content !== undefined) configFile(content);
      const { code, stdout, stderr } = await runCliToEnd([file]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      for (const line of expected(file)) expect(stderr).toContain(`org-mcp-proxy: ${line}`);
      expect(hasStackTrace(stderr)).toBe(false);
    },
  );
});

describe('a command that does not exist', () => {
  it('over HTTP: the CLI runs; the first client gets an error naming the backend and command', async () => {
    const file = configFile(json({ mcpServers: { ghost: { command: GHOST, args: ['--flag'] } } }));
    const cli = cleanup.add(startCli([file, '--transport', 'http']), (c) => c.stop());
    const [, url] = await cli.waitForStderr(/Proxy listening on (\S+)/);
    const failure = await failureOf(frontHttp(url!));
    expect(failure).toMatch(
      /Cannot start backend ghost: spawn \/nonexistent\/ghost-mcp-server ENOENT$/,
    );
    // The proxy keeps running and answers the next client the same way.
    expect(await failureOf(frontHttp(url!))).toContain(GHOST);
    expect(cli.child.exitCode).toBeNull();
    expect(hasStackTrace(cli.stderr())).toBe(false);
  });

  it('over stdio (-- <command>): the client’s initialize fails naming the backend and command', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuiltCli(), '--', GHOST],
      stderr: 'pipe',
    });
    const client = cleanup.add(new Client({ name: 'front', version: '1.0.0' }), (c) => c.close());
    const failure = await failureOf(client.connect(transport));
    expect(failure).toContain(`Cannot start backend ghost-mcp-server: spawn ${GHOST} ENOENT`);
  });
});
