import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasStackTrace, runCliToEnd } from './cliProcess';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-errors-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function expectUsageFailure(args: string[], ...expected: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCliToEnd(args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  for (const text of expected) expect(stderr).toContain(text);
  expect(stderr).toContain('Run org-mcp-proxy --help for usage');
  expect(hasStackTrace(stderr)).toBe(false);
  return stderr;
}

describe('CLI errors: exit code 2, a clear message, no stack trace', () => {
  it('reports a missing config file by name', async () => {
    const file = path.join(dir, 'missing.json');
    await expectUsageFailure([file], `org-mcp-proxy: ${file}: cannot read file: ENOENT`);
  });

  it('reports invalid JSON with the file, line and column', async () => {
    const file = configFile('broken.json', '{\n  "mcpServers": {\n    "a": { "command": "x" },,\n');
    await expectUsageFailure([file], `org-mcp-proxy: ${file}: invalid JSON at line 3`);
  });

  it('reports a wrong field with the file, server and field', async () => {
    const file = configFile('wrong.json', JSON.stringify({ mcpServers: { a: { command: 42 } } }));
    const stderr = await expectUsageFailure([file], `org-mcp-proxy: ${file}: mcpServers.a.command`);
    expect(stderr).not.toContain('42');
  });

  it('reports a config without servers', async () => {
    const file = configFile('empty.json', JSON.stringify({ mcpServers: {} }));
    await expectUsageFailure([file], `org-mcp-proxy: ${file}:`);
  });

  it.each([
    [['--bogus', 'https://example.com/mcp'], 'org-mcp-proxy: Unknown option: --bogus'],
    [[], 'org-mcp-proxy: Missing backend'],
    [
      ['https://example.com/mcp', '--transport', 'http', '--port', 'eighty'],
      'org-mcp-proxy: Invalid --port (expected an integer from 0 to 65535): eighty',
    ],
    [['https://example.com/mcp', '--transport', 'carrier-pigeon'], 'Unknown transport'],
    [['https://example.com/mcp', '--strategy', 'pooled'], 'Unknown strategy'],
    [['https://example.com/mcp', '--log-level', 'loud'], 'Unknown log level'],
  ])('rejects %j', async (args, message) => {
    await expectUsageFailure(args, message);
  });

  it('prints help to stdout and exits 0', async () => {
    const { code, stdout, stderr } = await runCliToEnd(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage:');
    expect(stdout).toContain('org-mcp-proxy [options] -- <command> [args...]');
    for (const option of ['--transport', '--auth-token', '--strategy', '--env', '--log-level']) {
      expect(stdout).toContain(option);
    }
    expect(stderr).toBe('');
  });

  it('prints the package version', async () => {
    const { code, stdout } = await runCliToEnd(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});
