import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { serveHttp } from '@org/proxy';
import { childPids, everythingServerScript, isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { CountingBackend } from '../fixtures/countingBackend';
import { demoBackend } from '../fixtures/demoBackend';
import { requireBuiltCli, startCli } from './cliProcess';

describe('CLI with the stdio front', () => {
  it('proxies a stdio command backend to an SDK client spawning the CLI', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuiltCli(), '--', process.execPath, everythingServerScript(), 'stdio'],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-test', version: '1.0.0' });
    let cliPid: number | null = null;
    let backendPids: number[] = [];
    try {
      await client.connect(transport);
      cliPid = transport.pid;
      expect(client.getServerVersion()?.name).toBe('org-mcp-proxy');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      const result = await client.callTool({ name: 'echo', arguments: { message: 'via cli' } });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('via cli');
      backendPids = childPids(cliPid!);
      expect(backendPids.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    // Closing the client ends the CLI's stdin: the CLI exits and takes its backend along.
    await waitFor(() => !isPidAlive(cliPid!), { timeoutMs: 8000, what: 'the CLI to exit' });
    for (const pid of backendPids) {
      await waitFor(() => !isPidAlive(pid), { timeoutMs: 8000, what: `backend ${pid} to exit` });
    }
  });

  it('proxies a URL backend (streamable HTTP) given as the argument', async () => {
    const backend = new CountingBackend(demoBackend('url-backend'));
    const http = await serveHttp(backend, { port: 0 });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuiltCli(), http.url, '--log-level', 'warn'],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-url', version: '1.0.0' });
    try {
      expect(backend.opened).toBe(0);
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['greet', 'add']));
      const result = await client.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
      expect(result.structuredContent).toEqual({ sum: 42 });
      expect(backend.requests.filter((r) => r.method === 'tools/call')).toHaveLength(1);
    } finally {
      await client.close();
      await http.close();
    }
  });

  it('exits 0 when stdin ends, with nothing on stdout', async () => {
    const cli = startCli(['--', process.execPath, everythingServerScript(), 'stdio']);
    let stdout = '';
    cli.child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    try {
      cli.child.stdin!.end();
      const exit = await cli.waitForExit(10_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stdout).toBe('');
      expect(cli.stderr()).toContain('Proxying the command: ');
    } finally {
      await cli.stop();
    }
  });
});
