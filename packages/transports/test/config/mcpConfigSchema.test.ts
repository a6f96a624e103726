import { describe, expect, it } from 'vitest';
import { mcpConfigSchema } from '../../src/config/index';

describe('mcpConfigSchema', () => {
  it('accepts a stdio entry', () => {
    const config = {
      mcpServers: {
        files: {
          command: 'npx',
          args: ['-y', 'some-server'],
          env: { LOG_LEVEL: 'debug' },
          cwd: '/srv',
          keepAlive: true,
          stderr: 'pipe',
        },
      },
    };
    expect(mcpConfigSchema.parse(config)).toEqual(config);
  });

  it('accepts a remote entry with each transport spelling', () => {
    for (const transport of ['http', 'streamable-http', 'sse'] as const) {
      const config = {
        mcpServers: {
          weather: {
            url: 'https://weather.example.com/mcp',
            transport,
            headers: { 'X-Api-Key': 'k' },
            auth: 'token',
          },
        },
      };
      expect(mcpConfigSchema.parse(config), transport).toEqual(config);
    }
  });

  it('keeps unknown keys at the top level, in entries and in tool overrides', () => {
    const config = {
      globalShortcut: 'Ctrl+Space',
      mcpServers: {
        files: { command: 'x', alwaysAllow: ['read'], tools: { read: { name: 'r', extra: 1 } } },
        weather: { url: 'http://h/mcp', timeout: 30 },
        off: { disabled: true, whatever: { nested: true } },
      },
    };
    expect(mcpConfigSchema.parse(config)).toEqual(config);
  });

  it('rejects a bad entry, naming it', () => {
    const bad: unknown[] = [
      { url: 'ftp://files.example' },
      { command: '' },
      { command: 'x', args: 'a b' },
      { command: 'x', env: { PORT: 8080 } },
      { url: 'http://h/mcp', transport: 'ws' },
      { command: 'x', url: 'http://h/mcp' },
      { note: 'neither command nor url' },
      'npx some-server',
    ];
    for (const entry of bad) {
      const result = mcpConfigSchema.safeParse({
        mcpServers: { good: { command: 'x' }, bad: entry },
      });
      expect(result.success, JSON.stringify(entry)).toBe(false);
      const paths = result.error!.issues.map((issue) => issue.path.slice(0, 2).join('.'));
      expect(new Set(paths), JSON.stringify(entry)).toEqual(new Set(['mcpServers.bad']));
    }
  });

  it('says what is wrong with a field when the entry kind is clear', () => {
    const cases: [unknown, string, string][] = [
      [{ url: 'ftp://files.example' }, 'url', 'expected an http(s) URL'],
      [{ command: ' ' }, 'command', 'expected a non-empty string'],
      [{ url: 'http://h/mcp', auth: '' }, 'auth', 'expected a non-empty bearer token'],
    ];
    for (const [entry, field, message] of cases) {
      const result = mcpConfigSchema.safeParse({ mcpServers: { bad: entry } });
      expect(result.error?.issues, field).toMatchObject([
        { path: ['mcpServers', 'bad', field], message },
      ]);
    }
  });

  it('rejects a config without a server map', () => {
    for (const config of [{}, { mcpServers: [] }, { mcpServers: 'x' }, null]) {
      expect(mcpConfigSchema.safeParse(config).success, JSON.stringify(config)).toBe(false);
    }
  });
});
