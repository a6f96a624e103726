import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandProblem } from '../../src/client/index';
import { checkConfigCommands, parseMcpConfig } from '../../src/config/index';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'command-check-'));
  writeFileSync(path.join(dir, 'tool.sh'), '#!/bin/sh\n');
  chmodSync(path.join(dir, 'tool.sh'), 0o755);
  writeFileSync(path.join(dir, 'plain.txt'), 'not a program\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('whether a stdio command can start (POSIX)', () => {
  const nodeDir = path.dirname(process.execPath);
  const noPath = { PATH: '/nonexistent' };

  it('finds a bare name on the PATH the child gets, not the proxy’s own', () => {
    expect(commandProblem({ command: 'node' }, { PATH: nodeDir })).toBeUndefined();
    expect(commandProblem({ command: 'node' }, noPath)).toBe('not found on PATH');
    // The target's env wins over the inherited PATH.
    expect(commandProblem({ command: 'tool.sh', env: { PATH: dir } }, noPath)).toBeUndefined();
    expect(commandProblem({ command: 'node', env: { PATH: dir } }, { PATH: nodeDir })).toBe(
      'not found on PATH',
    );
  });

  it('resolves a relative PATH entry and a relative command against the target’s cwd', () => {
    expect(commandProblem({ command: 'tool.sh', cwd: dir }, { PATH: '.' })).toBeUndefined();
    expect(commandProblem({ command: './tool.sh', cwd: dir }, noPath)).toBeUndefined();
    expect(commandProblem({ command: './tool.sh' }, noPath)).toBe('does not exist');
  });

  it('needs an executable file', () => {
    expect(commandProblem({ command: path.join(dir, 'tool.sh') }, noPath)).toBeUndefined();
    expect(commandProblem({ command: path.join(dir, 'plain.txt') }, noPath)).toBe(
      'is not an executable file',
    );
    expect(commandProblem({ command: dir }, noPath)).toBe('is not an executable file');
    expect(commandProblem({ command: 'plain.txt' }, { PATH: dir })).toBe('not found on PATH');
  });
});

describe('checking the commands of a config', () => {
  const config = () =>
    parseMcpConfig(
      {
        mcpServers: {
          good: { command: process.execPath },
          ghost: { command: 'surely-not-a-command-xyz' },
          'odd name': { command: './missing.sh' },
          remote: { url: 'https://example.com/mcp' },
          off: { command: 'also-not-a-command-xyz', disabled: true },
        },
      },
      { source: 'mcp.json' },
    );

  it('names the file, the server and the field of every enabled stdio server that cannot start', () => {
    expect(() => checkConfigCommands(config())).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: [
          'mcp.json: mcpServers.ghost.command: command "surely-not-a-command-xyz" not found on PATH',
          'mcp.json: mcpServers["odd name"].command: command "./missing.sh" does not exist',
        ].join('\n'),
      }),
    );
  });

  it('passes a config whose commands all resolve, and names another source when asked', () => {
    const good = parseMcpConfig({ mcpServers: { good: { command: process.execPath } } });
    expect(() => checkConfigCommands(good)).not.toThrow();
    expect(() => checkConfigCommands(config(), 'other.json')).toThrow(/^other\.json: /);
  });
});
