import { ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';

function runConfig(argv: string[]) {
  const command = parseCliArgs(argv, {});
  if (command.action !== 'run') throw new Error(`expected a run, got ${command.action}`);
  return command.config;
}

describe('--no-watch', () => {
  it('is off by default: a config file is watched', () => {
    expect(runConfig(['mcp.json']).operations?.watch).toBeUndefined();
  });

  it('turns watching off for a config file', () => {
    expect(runConfig(['mcp.json', '--no-watch']).operations?.watch).toBe(false);
  });

  it('is a usage error without a config file, naming the option', () => {
    for (const argv of [
      ['https://example.com/mcp', '--no-watch'],
      ['--no-watch', '--', 'node', 'server.js'],
    ]) {
      expect(() => parseCliArgs(argv, {})).toThrow(
        expect.objectContaining({
          code: ProxyErrorCode.InvalidArguments,
          message: expect.stringContaining('--no-watch'),
        }),
      );
    }
  });
});
