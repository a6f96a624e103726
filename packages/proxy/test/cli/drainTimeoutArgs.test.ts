import { ProxyError, ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';

const url = 'https://example.com/mcp';

function drainTimeout(argv: string[]): number | undefined {
  const command = parseCliArgs(argv, {});
  if (command.action !== 'run') throw new Error(`Expected a run command, got ${command.action}`);
  return command.config.drainTimeoutMs;
}

describe('--drain-timeout', () => {
  it('is unset by default (the CLI then drains for 10 s)', () => {
    expect(drainTimeout([url])).toBeUndefined();
  });

  it.each([
    [['--drain-timeout', '2500'], 2500],
    [['--drain-timeout=0'], 0],
  ])('%j gives %d ms', (args, ms) => {
    expect(drainTimeout([url, ...args])).toBe(ms);
  });

  it.each([
    ['1.5', 'Invalid --drain-timeout (expected an integer from 0 to 2147483647): 1.5'],
    ['soon', 'Invalid --drain-timeout (expected an integer from 0 to 2147483647): soon'],
  ])('refuses %s', (value, message) => {
    let caught: unknown;
    try {
      parseCliArgs([url, '--drain-timeout', value], {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProxyError);
    expect((caught as ProxyError).code).toBe(ProxyErrorCode.InvalidArguments);
    expect((caught as ProxyError).message).toBe(message);
  });
});
