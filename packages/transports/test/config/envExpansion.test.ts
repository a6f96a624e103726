// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { describe, expect, it } from 'vitest';
import { parseMcpConfig } from '../../src/config/index';
import { configErrorOf as errorOf, parseWith as parse } from './configTestHelpers';

describe('parseMcpConfig variable expansion', () => {
  const entry = (fields: Record<string, unknown>) =>
    parse({ mcpServers: { s: fields } }, ENV).mcpServers.s;
  const ENV = { HOME_DIR: '/home/me', TOKEN: 't0k', EMPTY: '', BASE: 'https://api.example.com' };

  it('expands ${VAR} and ${env:VAR} in stdio fields', () => {
    expect(
      entry({
        command: '${HOME_DIR}/bin/server',
        args: ['--token=${TOKEN}', '${env:HOME_DIR}', 'plain'],
        env: { T: '${TOKEN}', LITERAL: 'no refs' },
        cwd: '${HOME_DIR}',
      }),
    ).toEqual({
      command: '/home/me/bin/server',
      args: ['--token=t0k', '/home/me', 'plain'],
      env: { T: 't0k', LITERAL: 'no refs' },
      cwd: '/home/me',
    });
  });

  it('expands url, headers and auth of remote entries', () => {
    expect(
      entry({
        url: '${BASE}/mcp',
        headers: { Authorization: 'Bearer ${TOKEN}' },
        auth: '${TOKEN}',
      }),
    ).toEqual({
      url: 'https://api.example.com/mcp',
      headers: { Authorization: 'Bearer t0k' },
      auth: 't0k',
    });
  });

  it('uses ${VAR:-default} when the variable is unset or empty', () => {
    expect(
      entry({
        command: 'x',
        args: ['${MISSING:-fallback}', '${EMPTY:-dflt}', '${TOKEN:-unused}', '${MISSING:-}'],
      }),
    ).toMatchObject({ args: ['fallback', 'dflt', 't0k', ''] });
  });

  it('expands a set but empty variable without default to the empty string', () => {
    expect(entry({ command: 'x', args: ['a${EMPTY}b'] })).toMatchObject({ args: ['ab'] });
  });

  it('leaves other ${...} forms and unlisted fields alone', () => {
    expect(
      entry({
        command: 'x',
        args: ['${not a var}', '$TOKEN'],
        description: '${TOKEN}',
        envFile: '${TOKEN}',
      }),
    ).toEqual({
      command: 'x',
      args: ['${not a var}', '$TOKEN'],
      description: '${TOKEN}',
      envFile: '${TOKEN}',
    });
  });

  it('reads process.env by default', () => {
    const name = 'MCP_CONFIG_TEST_VARIABLE';
    process.env[name] = 'from-process';
    try {
      const config = parseMcpConfig({ mcpServers: { s: { command: `\${${name}}` } } });
      expect(config.mcpServers.s?.command).toBe('from-process');
    } finally {
      delete process.env[name];
    }
  });

  it('reports every unset variable with file, server and field', () => {
    const message = errorOf(() =>
      parse({
        mcpServers: {
          weather: { command: 'w', env: { API_KEY: '${WEATHER_KEY}' } },
          api: { url: '${API_BASE}/mcp', args: [], headers: { 'X-Key': 'k ${KEY_A} ${KEY_B}' } },
        },
      }),
    );
    expect(message.split('\n')).toEqual([
      'mcp.json: mcpServers.weather.env.API_KEY: environment variable WEATHER_KEY is not set',
      'mcp.json: mcpServers.api.url: environment variable API_BASE is not set',
      'mcp.json: mcpServers.api.headers.X-Key: environment variable KEY_A is not set',
      'mcp.json: mcpServers.api.headers.X-Key: environment variable KEY_B is not set',
    ]);
  });

  it('refuses VS Code input variables', () => {
    expect(
      errorOf(() => parse({ servers: { s: { url: 'http://h', auth: '${input:api-key}' } } })),
    ).toBe('mcp.json: servers.s.auth: VS Code input variables are not supported: api-key');
  });
});
