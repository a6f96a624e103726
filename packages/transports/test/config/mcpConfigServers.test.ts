import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadMcpConfig,
  type McpConfig,
  mcpConfigServers,
  parseMcpConfig,
} from '../../src/config/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';
import { configErrorOf } from './configTestHelpers';

const servers = (mcpServers: Record<string, unknown>) =>
  mcpConfigServers(parseMcpConfig({ mcpServers }, { env: {} }));

describe('mcpConfigServers', () => {
  it('turns a stdio entry into a StdioTarget named after the server', () => {
    const [entry] = servers({
      echo: {
        command: 'echo',
        args: ['hello'],
        env: { A: '1' },
        cwd: '/tmp',
        stderr: 'pipe',
        note: 1,
      },
    });
    expect(entry).toEqual({
      name: 'echo',
      target: {
        name: 'echo',
        command: 'echo',
        args: ['hello'],
        env: { A: '1' },
        cwd: '/tmp',
        stderr: 'pipe',
      },
      options: {},
    });
  });

  it('takes keepAlive from keepAlive or keep_alive, keepAlive first, and leaves it unset otherwise', () => {
    const targets = servers({
      a: { command: 'x', keepAlive: true },
      b: { command: 'x', keep_alive: false },
      c: { command: 'x', keepAlive: false, keep_alive: true },
      d: { command: 'x' },
    }).map((entry) => entry.target);
    expect(targets.map((target) => ('keepAlive' in target ? target.keepAlive : 'unset'))).toEqual([
      true,
      false,
      false,
      'unset',
    ]);
  });

  it('turns a remote entry into an HttpTarget with the URL verbatim', () => {
    const [entry] = servers({
      api: { url: 'https://h.example/mcp/?x=1', headers: { 'X-A': 'b' }, auth: 'tok' },
    });
    expect(entry?.target).toEqual({
      name: 'api',
      url: 'https://h.example/mcp/?x=1',
      headers: { 'X-A': 'b' },
      auth: 'tok',
    });
  });

  it('takes the transport from transport or type, transport first, and leaves inference to the connector', () => {
    const targets = servers({
      a: { url: 'http://h/mcp', transport: 'sse' },
      b: { url: 'http://h/mcp', type: 'streamable-http' },
      c: { url: 'http://h/mcp', transport: 'http', type: 'sse' },
      d: { url: 'http://h/sse' },
    }).map((entry) => entry.target);
    expect(targets.map((target) => ('transport' in target ? target.transport : 'unset'))).toEqual([
      'sse',
      'streamable-http',
      'http',
      'unset',
    ]);
  });

  it('maps the proxy options to camelCase', () => {
    const [entry] = servers({
      s: {
        command: 'x',
        include_tags: ['keep'],
        exclude_tags: ['admin'],
        tools: {
          add: { name: 'plus', description: 'Adds', tags: ['keep'], enabled: true, extra: 1 },
        },
        description: 'Math',
        required: true,
      },
    });
    expect(entry?.options).toEqual({
      required: true,
      includeTags: ['keep'],
      excludeTags: ['admin'],
      tools: {
        add: { name: 'plus', description: 'Adds', tags: ['keep'], enabled: true, extra: 1 },
      },
      description: 'Math',
    });
  });

  it('skips disabled servers and keeps the config order', () => {
    const names = servers({
      z: { command: 'x' },
      off: { command: 'x', disabled: true },
      a: { url: 'http://h', disabled: false },
    }).map((entry) => entry.name);
    expect(names).toEqual(['z', 'a']);
  });

  it('does not share arrays or maps with the config', () => {
    const config = parseMcpConfig({
      mcpServers: { s: { command: 'x', args: ['a'], env: { K: 'v' } } },
    });
    const [entry] = mcpConfigServers(config);
    if (!entry || !('command' in entry.target)) throw new Error('expected a stdio target');
    entry.target.args?.push('b');
    expect(config.mcpServers.s?.args).toEqual(['a']);
  });

  it('refuses a config without enabled servers', () => {
    const config: McpConfig = { mcpServers: { off: { disabled: true } } };
    expect(() => mcpConfigServers(config)).toThrow(
      expect.objectContaining({
        constructor: ProxyError,
        code: ProxyErrorCode.InvalidConfig,
        message: 'config (built in code): mcpServers: no enabled servers',
      }),
    );
  });
});

describe('mcpConfigServers error messages', () => {
  const fixture = path.relative(
    process.cwd(),
    path.join(import.meta.dirname, 'fixtures', 'claudeDesktop.json'),
  );

  /** Disables every server of a config, as a program might after loading it. */
  function disableAll(config: McpConfig): McpConfig {
    for (const name of Object.keys(config.mcpServers)) {
      config.mcpServers[name] = { ...config.mcpServers[name], disabled: true };
    }
    return config;
  }

  it('name the file a config was loaded from', async () => {
    const config = disableAll(await loadMcpConfig(fixture, { env: { WEATHER_KEY: 'k' } }));
    expect(configErrorOf(() => mcpConfigServers(config))).toBe(
      `${fixture}: mcpServers: no enabled servers`,
    );
  });

  it('name the source given to parseMcpConfig, or its default', () => {
    const parsed = parseMcpConfig({ mcpServers: { a: { command: 'x' } } }, { source: 'team.json' });
    expect(configErrorOf(() => mcpConfigServers(disableAll(parsed)))).toBe(
      'team.json: mcpServers: no enabled servers',
    );
    const unnamed = disableAll(parseMcpConfig({ mcpServers: { a: { command: 'x' } } }));
    expect(configErrorOf(() => mcpConfigServers(unnamed))).toBe(
      'config: mcpServers: no enabled servers',
    );
  });

  it('name the source passed to mcpConfigServers over the recorded one', () => {
    const parsed = disableAll(parseMcpConfig({ mcpServers: { a: { command: 'x' } } }));
    expect(configErrorOf(() => mcpConfigServers(parsed, { source: 'servers.ts' }))).toBe(
      'servers.ts: mcpServers: no enabled servers',
    );
  });

  it('call a config built in code so, and validate it as a file would be', () => {
    const config = {
      mcpServers: {
        good: { command: 'x' },
        weather: { url: 'ftp://weather.example' },
        both: { command: 'x', url: 'http://h/mcp' },
        files: { command: 'x', args: 'a b' },
      },
    } as unknown as McpConfig;
    expect(configErrorOf(() => mcpConfigServers(config)).split('\n')).toEqual([
      'config (built in code): mcpServers.weather.url: expected an http(s) URL',
      'config (built in code): mcpServers.both: expected either command or url, not both',
      'config (built in code): mcpServers.files.args: expected an array of strings',
    ]);
    expect(configErrorOf(() => mcpConfigServers({ mcpServers: {} }))).toBe(
      'config (built in code): mcpServers: no servers defined',
    );
    expect(configErrorOf(() => mcpConfigServers({} as McpConfig))).toBe(
      'config (built in code): mcpServers: expected an object of server entries',
    );
  });

  it('accept a valid config built in code, without expanding variables', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: config text, not a template
    const config: McpConfig = { mcpServers: { s: { command: 'x', args: ['${HOME}'] } } };
    expect(mcpConfigServers(config).map((entry) => entry.target)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: config text, not a template
      { name: 's', command: 'x', args: ['${HOME}'] },
    ]);
  });
});
