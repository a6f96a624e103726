import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand, commandProblem } from '../../src/cli/commandCheck';

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

  it('names the argument after -- in a usage error', () => {
    expect(() => checkCommand({ command: 'surely-not-a-command-xyz' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENTS',
        message: 'Command after -- not found on PATH: surely-not-a-command-xyz',
      }),
    );
    expect(() => checkCommand({ command: process.execPath })).not.toThrow();
  });
});
