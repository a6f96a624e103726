import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProxy } from '@org/proxy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasStackTrace, runCliToEnd } from '../cli/cliProcess';
import { frontInMemory } from '../fixtures/fronts';
import { Cleanup, failureOf } from './fixtures/harness';

// Promise: a bad configuration gets a message naming the file, the server and the field, and
// the CLI exits with code 2 without a stack trace. A command that does not exist is one: the
// CLI checks every stdio server's command at start-up (backends themselves start lazily, when a
// client needs them), and names the argument for a command after `--`. The library stays lazy:
// createProxy checks nothing, and the first client gets the spawn error naming the backend.
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
  it('names the file, server and field of each, disabled servers left out; exit 2 before serving', async () => {
    const ghosts: Record<string, [Record<string, unknown>, string]> = {
      missing: [{ command: 'ghost-mcp-server-surely-missing' }, 'not found on PATH'],
      absent: [{ command: GHOST, args: ['--flag'] }, 'does not exist'],
      folder: [{ command: tmpdir() }, 'is not an executable file'],
      // Relative to the server's cwd: the config file itself, which is not executable.
      'not executable': [{ command: './mcp.json', cwd: dir }, 'is not an executable file'],
      // Looked up on the PATH the child gets, not the proxy's own.
      elsewhere: [{ command: 'node', env: { PATH: '/nonexistent' } }, 'not found on PATH'],
    };
    const file = configFile(
      json({
        mcpServers: {
          good: { command: process.execPath, args: ['-e', ''] },
          ...Object.fromEntries(Object.entries(ghosts).map(([name, [entry]]) => [name, entry])),
          off: { command: 'nope-disabled', disabled: true },
        },
      }),
    );
    const { code, stdout, stderr } = await runCliToEnd([file, '--transport', 'http']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const field = (name: string) =>
      /^[A-Za-z_]\w*$/.test(name) ? `mcpServers.${name}` : `mcpServers[${JSON.stringify(name)}]`;
    const expected = Object.entries(ghosts).map(
      ([name, [entry, problem]]) =>
        `org-mcp-proxy: ${file}: ${field(name)}.command: command ${JSON.stringify(entry.command)} ${problem}`,
    );
    expect(stderr).toContain(`${expected.join('\n')}\n`);
    expect(stderr).toContain('mcpServers["not executable"].command');
    expect(stderr).not.toContain('mcpServers.good');
    expect(stderr).not.toContain('nope-disabled');
    expect(stderr).not.toContain('Proxy listening');
    expect(hasStackTrace(stderr)).toBe(false);
  });

  it('after -- (stdio front): names the argument; exit 2, nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCliToEnd(['--', GHOST, '--flag']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`org-mcp-proxy: Command after -- does not exist: ${GHOST}\n`);
    expect(hasStackTrace(stderr)).toBe(false);
    const missing = await runCliToEnd(['--', 'ghost-mcp-server-surely-missing']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'org-mcp-proxy: Command after -- not found on PATH: ghost-mcp-server-surely-missing',
    );
  });

  it('the library stays lazy: createProxy checks nothing; the first client gets the spawn error', async () => {
    const proxy = cleanup.add(createProxy({ command: GHOST, stderr: 'ignore' }), (p) => p.close());
    const failure = await failureOf(frontInMemory(proxy));
    expect(failure).toMatch(
      /Cannot start backend ghost-mcp-server: spawn \/nonexistent\/ghost-mcp-server ENOENT$/,
    );
  });
});
