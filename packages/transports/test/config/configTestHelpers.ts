import { expect } from 'vitest';
import { parseMcpConfig } from '../../src/config/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';

/** The message of the InvalidConfig ProxyError `run` throws; fails the test otherwise. */
export function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidConfig);
    return (error as ProxyError).message;
  }
  throw new Error('expected an error');
}

/** `parseMcpConfig` with source `mcp.json` and only the given environment. */
export const parseWith = (value: unknown, env: Record<string, string | undefined> = {}) =>
  parseMcpConfig(value, { source: 'mcp.json', env });
