import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { everythingServerScript } from '@org/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './cliProcess';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('CLI with a config file backend', () => {
  it('serves the only server of a config without a prefix', async () => {
    const server = { command: process.execPath, args: [everythingServerScript(), 'stdio'] };
    const file = path.join(dir, 'one.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { solo: server } }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuiltCli(), file, '--log-level', 'warn'],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-one-server', version: '1.0.0' });
    try {
      await client.connect(transport);
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('echo');
      expect(names.some((name) => name.startsWith('solo_'))).toBe(false);
      const result = await client.callTool({ name: 'echo', arguments: { message: 'just one' } });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('just one');
    } finally {
      await client.close();
    }
  });

  it('composes two servers under their names: a_echo and b_echo', async () => {
    const server = { command: process.execPath, args: [everythingServerScript(), 'stdio'] };
    const file = path.join(dir, 'mcp.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { a: server, b: server } }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuiltCli(), file, '--log-level', 'warn'],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-config', version: '1.0.0' });
    try {
      await client.connect(transport);
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['a_echo', 'b_echo']));
      expect(names).not.toContain('echo');
      for (const name of ['a_echo', 'b_echo']) {
        const result = await client.callTool({ name, arguments: { message: `hi ${name}` } });
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result.content)).toContain(`hi ${name}`);
      }
    } finally {
      await client.close();
    }
  });
});
