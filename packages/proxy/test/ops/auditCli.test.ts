import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { waitFor, workspaceServerScript } from '@org/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { labelOf } from '../isolation/fixtures';

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const TOKEN = 'cli-audit-token-4242';
const BACKEND = ['--', process.execPath, workspaceServerScript(), 'stdio'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the CLI audit log', () => {
  it('has a line per call, read and render in --audit-log after a SIGTERM shutdown', async () => {
    const file = path.join(dir, 'audit.jsonl');
    const cli = startCli([
      ...['--transport', 'http', '--auth-token', TOKEN],
      ...['--audit-log', file, '--audit-arguments'],
      ...BACKEND,
    ]);
    const client = new Client({ name: 'cli-audit', version: '1.0.0' });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url!), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      const label = await labelOf(client);
      await client.readResource({ uri: `session://${label}` });
      await client.getPrompt({ name: `brief_${label}`, arguments: { topic: 'shutdown' } });
      cli.child.kill('SIGTERM');
      const exit = await cli.waitForExit(15_000);
      expect(exit.code).toBe(0);
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.map((record) => [record.method, record.name])).toEqual([
        ['tools/call', 'whoami'],
        ['resources/read', `session://${label}`],
        ['prompts/get', `brief_${label}`],
      ]);
      expect(records.every((record) => record.principal === 'bearer')).toBe(true);
      expect(new Set(records.map((record) => record.session)).size).toBe(1);
      expect(records[2]).toMatchObject({ arguments: { topic: 'shutdown' }, outcome: 'ok' });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    } finally {
      await client.close().catch(() => {});
      await cli.stop();
    }
  });

  it('writes the lines to stdout with --audit-log - and the HTTP front', async () => {
    const cli = startCli(['--transport', 'http', '--audit-log', '-', ...BACKEND]);
    const client = new Client({ name: 'cli-audit-stdout', version: '1.0.0' });
    let stdout = '';
    cli.child.stdout!.setEncoding('utf8');
    cli.child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
    });
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      await labelOf(client);
      await waitFor(() => stdout.includes('\n'), { timeoutMs: 10_000 });
      expect(JSON.parse(stdout.trim())).toMatchObject({
        method: 'tools/call',
        name: 'whoami',
        principal: null,
        outcome: 'ok',
      });
    } finally {
      await client.close();
      await cli.stop();
    }
  });

  it('refuses --audit-log - with the stdio front, whose stdout carries MCP', async () => {
    const cli = startCli(['--audit-log', '-', ...BACKEND]);
    try {
      const exit = await cli.waitForExit(15_000);
      expect(exit.code).not.toBe(0);
      expect(cli.stderr()).toContain('--audit-log -');
    } finally {
      await cli.stop();
    }
  });
});
