// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMcpConfig, mcpConfigServers } from '../../src/config/index';
import { ProxyError, ProxyErrorCode } from '../../src/errors';

const fixtures = path.relative(process.cwd(), path.join(import.meta.dirname, 'fixtures'));
const SECRET = 'sk-live-TOPSECRET-4242';

/** Runs `promise` and returns the ProxyError it rejects with. */
async function rejection(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProxyError);
  expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidConfig);
  return error as ProxyError;
}

describe('loadMcpConfig from fixture files', () => {
  it('reads a Claude Desktop file with a stdio and a remote server', async () => {
    const file = path.join(fixtures, 'claudeDesktop.json');
    const config = await loadMcpConfig(file, { env: { WEATHER_KEY: 'k-123' } });
    expect(config.globalShortcut).toBe('Ctrl+Space');
    expect(mcpConfigServers(config)).toEqual([
      {
        name: 'files',
        target: {
          name: 'files',
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
          env: { LOG_LEVEL: 'debug' },
          keepAlive: true,
        },
        options: {},
      },
      {
        name: 'weather',
        target: {
          name: 'weather',
          url: 'https://weather.example.com/mcp/',
          headers: { 'X-Api-Key': 'k-123' },
          auth: 'anonymous',
        },
        options: {},
      },
    ]);
  });

  it('reads a VS Code file with servers, type and inputs', async () => {
    const config = await loadMcpConfig(path.join(fixtures, 'vscode.json'), {
      env: { GITHUB_TOKEN: 'ghp_x' },
    });
    expect(config.inputs).toEqual([
      { type: 'promptString', id: 'github-token', description: 'GitHub token', password: true },
    ]);
    expect(config.servers).toBeUndefined();
    expect(config.mcpServers.git?.envFile).toBe('${workspaceFolder}/.env');
    const targets = mcpConfigServers(config).map((entry) => entry.target);
    expect(targets).toEqual([
      {
        name: 'github',
        url: 'https://api.githubcopilot.com/mcp/',
        transport: 'http',
        headers: { Authorization: 'Bearer ghp_x' },
      },
      { name: 'legacy', url: 'http://127.0.0.1:8123/events', transport: 'sse' },
      { name: 'git', command: 'uvx', args: ['mcp-server-git'] },
    ]);
  });

  it('reads a bare server map without mcpServers', async () => {
    const config = await loadMcpConfig(path.join(fixtures, 'rootMap.json'));
    expect(Object.keys(config)).toEqual(['mcpServers']);
    expect(mcpConfigServers(config).map((entry) => entry.target)).toEqual([
      { name: 'echo', command: 'echo', args: ['hello'] },
      { name: 'remote', url: 'http://localhost:9000/sse/' },
    ]);
  });

  it('round-trips non-ASCII arguments and descriptions (UTF-8)', async () => {
    const config = await loadMcpConfig(path.join(fixtures, 'nonAscii.json'));
    const [entry] = mcpConfigServers(config);
    expect(entry?.target).toMatchObject({
      args: ['server.mjs', '--stadt=Zürich', '--gruß=こんにちは', '🌤'],
    });
    expect(entry?.options.description).toBe('Wetterdienst für Zürich: ünïcödé ✓');
  });
});

describe('loadMcpConfig from temporary files', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, content: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, content, 'utf8');
    return file;
  }

  it('reports a missing file by its error code only', async () => {
    const file = path.join(dir, 'missing.json');
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(`${file}: cannot read file: ENOENT`);
  });

  it('names the file, not a resolved path, when given a relative path', async () => {
    const error = await rejection(loadMcpConfig('does-not-exist/mcp.json'));
    expect(error.message).toBe('does-not-exist/mcp.json: cannot read file: ENOENT');
  });

  it('reports invalid JSON with line and column', async () => {
    const file = await write(
      'mcp.json',
      '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": { "command": "y" }\n  }\n}\n',
    );
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(`${file}: invalid JSON at line 4, column 5: expected ',' or '}'`);
  });

  it('reports the position of a syntax error V8 would quote', async () => {
    const line3 = `    "a": { "command": "x", "env": { "K": "${SECRET}" }, }`;
    const file = await write('bad.json', `{\n  "mcpServers": {\n${line3}\n  }\n}`);
    const column = line3.lastIndexOf('}') + 1;
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(
      `${file}: invalid JSON at line 3, column ${column}: expected a double-quoted property name`,
    );
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a truncated file', async () => {
    const file = await write('cut.json', '{ "mcpServers": { "a": { "command": "x"');
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(
      `${file}: invalid JSON at line 1, column 40: unexpected end of input`,
    );
  });

  it('treats an empty file as a config without servers', async () => {
    const file = await write('empty.json', '  \n');
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(`${file}: mcpServers: no servers defined`);
  });

  it('accepts a byte order mark', async () => {
    const file = await write('bom.json', '\uFEFF{ "mcpServers": { "a": { "command": "x" } } }');
    const config = await loadMcpConfig(file);
    expect(config.mcpServers.a).toEqual({ command: 'x' });
  });

  it('names file, server and field of a wrongly typed field', async () => {
    const file = await write('types.json', JSON.stringify({ mcpServers: { w: { url: 42 } } }));
    const error = await rejection(loadMcpConfig(file));
    expect(error.message).toBe(`${file}: mcpServers.w.url: expected an http(s) URL`);
  });

  it('names file, server, field and variable of an unset variable', async () => {
    const file = await write(
      'mcp.json',
      JSON.stringify({
        mcpServers: { weather: { command: 'w', env: { API_KEY: '${WEATHER_KEY}' } } },
      }),
    );
    const error = await rejection(loadMcpConfig(file, { env: {} }));
    expect(error.message).toBe(
      `${file}: mcpServers.weather.env.API_KEY: environment variable WEATHER_KEY is not set`,
    );
  });

  it('never shows secrets of a broken config', async () => {
    const config = {
      mcpServers: {
        local: { command: '', env: { TOKEN: SECRET }, args: 'x' },
        remote: {
          url: `ftp://${SECRET}@example.com`,
          headers: { Authorization: `Bearer ${SECRET}`, 'X-Count': 3 },
          auth: SECRET,
          transport: SECRET,
        },
      },
    };
    const file = await write('secret.json', JSON.stringify(config, null, 2));
    const error = await rejection(loadMcpConfig(file));
    expect(error.message.split('\n')).toEqual([
      `${file}: mcpServers.local.command: expected a non-empty string`,
      `${file}: mcpServers.local.args: expected an array of strings`,
      `${file}: mcpServers.remote.url: expected an http(s) URL`,
      `${file}: mcpServers.remote.transport: expected "http", "streamable-http" or "sse"`,
      `${file}: mcpServers.remote.headers.X-Count: expected a string, got a number`,
    ]);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.data)).not.toContain(SECRET);
    expect(String(error.stack)).not.toContain(SECRET);
  });
});
