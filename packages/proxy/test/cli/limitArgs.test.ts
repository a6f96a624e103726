import { ProxyError, ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import type { CliConfig } from '../../src/cli/cliConfig';

// --max-sessions, --idle-timeout, --max-body (HTTP front) and --max-children (any front).

function config(argv: string[]): CliConfig {
  const command = parseCliArgs(argv, {});
  if (command.action !== 'run') throw new Error(`Expected a run command, got ${command.action}`);
  return command.config;
}

function usageMessage(argv: string[]): string {
  try {
    parseCliArgs(argv, {});
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidArguments);
    return (error as ProxyError).message;
  }
  throw new Error(`Expected a usage error for: ${argv.join(' ')}`);
}

const HTTP = ['https://example.com/mcp', '--transport', 'http'];

describe('parseCliArgs: limits', () => {
  it('leaves every limit to the library defaults when not given', () => {
    const parsed = config(HTTP);
    expect(parsed.http.maxSessions).toBeUndefined();
    expect(parsed.http.sessionIdleTimeoutMs).toBeUndefined();
    expect(parsed.http.maxBodyBytes).toBeUndefined();
    expect(parsed.maxChildren).toBeUndefined();
  });

  it('reads the HTTP limits', () => {
    const parsed = config([
      ...HTTP,
      '--max-sessions',
      '200',
      '--idle-timeout',
      '60000',
      '--max-body',
      '65536',
    ]);
    expect(parsed.http).toMatchObject({
      maxSessions: 200,
      sessionIdleTimeoutMs: 60000,
      maxBodyBytes: 65536,
    });
    expect(config([...HTTP, '--max-sessions', '0', '--idle-timeout', '0']).http).toMatchObject({
      maxSessions: 0,
      sessionIdleTimeoutMs: 0,
    });
  });

  it('reads --max-children with any front', () => {
    expect(config(['--max-children', '5', '--', 'node', 'server.js']).maxChildren).toBe(5);
    expect(config([...HTTP, '--max-children', '0']).maxChildren).toBe(0);
  });

  it('refuses bad values and HTTP limits with the stdio front', () => {
    expect(usageMessage([...HTTP, '--max-sessions=-1'])).toBe(
      'Invalid --max-sessions (expected an integer from 0 to 1000000): -1',
    );
    expect(usageMessage([...HTTP, '--max-body', '0'])).toBe(
      'Invalid --max-body (expected an integer from 1 to 1073741824): 0',
    );
    expect(usageMessage([...HTTP, '--idle-timeout', 'soon'])).toBe(
      'Invalid --idle-timeout (expected an integer from 0 to 2147483647): soon',
    );
    expect(usageMessage(['https://example.com/mcp', '--max-children', '1.5'])).toBe(
      'Invalid --max-children (expected an integer from 0 to 1000000): 1.5',
    );
    expect(usageMessage(['https://example.com/mcp', '--max-sessions', '5'])).toBe(
      'Option needs --transport http or sse: --max-sessions',
    );
    expect(usageMessage(['https://example.com/mcp', '--idle-timeout', '5'])).toBe(
      'Option needs --transport http or sse: --idle-timeout',
    );
  });
});
