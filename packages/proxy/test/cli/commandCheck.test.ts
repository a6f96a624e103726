import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commandCheck';

describe('the command after --', () => {
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
