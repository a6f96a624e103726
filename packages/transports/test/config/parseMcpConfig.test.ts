// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { describe, expect, it } from 'vitest';
import { parseMcpConfig } from '../../src/config/index';
import type { ProxyError } from '../../src/errors';
import { configErrorOf as errorOf, parseWith as parse } from './configTestHelpers';

describe('parseMcpConfig shapes', () => {
  it('keeps unknown keys at the top level and in entries', () => {
    const config = parse({
      mcpServers: {
        a: {
          command: 'x',
          icon: 'a.png',
          timeout: 5000,
          tools: { t: { name: 'u', arguments: {} } },
        },
        b: { url: 'http://h/mcp', authentication: { kind: 'none' } },
      },
      version: 2,
      meta: { owner: 'me' },
    });
    expect(config).toEqual({
      mcpServers: {
        a: {
          command: 'x',
          icon: 'a.png',
          timeout: 5000,
          tools: { t: { name: 'u', arguments: {} } },
        },
        b: { url: 'http://h/mcp', authentication: { kind: 'none' } },
      },
      version: 2,
      meta: { owner: 'me' },
    });
  });

  it('keeps the config order of servers', () => {
    const config = parse({
      mcpServers: { z: { command: 'z' }, a: { command: 'a' }, m: { url: 'http://m' } },
    });
    expect(Object.keys(config.mcpServers)).toEqual(['z', 'a', 'm']);
  });

  it('passes keepAlive and keep_alive through', () => {
    const config = parse({
      mcpServers: {
        a: { command: 'x', keepAlive: false },
        b: { command: 'x', keep_alive: true },
        c: { command: 'x' },
      },
    });
    expect(config.mcpServers.a?.keepAlive).toBe(false);
    expect(config.mcpServers.b?.keep_alive).toBe(true);
    expect(config.mcpServers.c).toEqual({ command: 'x' });
  });

  it('defaults the source to config', () => {
    expect(errorOf(() => parseMcpConfig({ mcpServers: {} }))).toBe(
      'config: mcpServers: no servers defined',
    );
  });

  it('keeps disabled entries verbatim, unvalidated and unexpanded', () => {
    const config = parse({
      mcpServers: { on: { command: 'x' }, off: { disabled: true, url: '${UNSET}' } },
    });
    expect(config.mcpServers.off).toEqual({ disabled: true, url: '${UNSET}' });
  });
});

describe('parseMcpConfig errors', () => {
  it.each([
    ['url: 42', { w: { url: 42 } }, 'mcp.json: mcpServers.w.url: expected an http(s) URL'],
    [
      'a non-http url',
      { w: { url: 'file:///etc/passwd' } },
      'mcp.json: mcpServers.w.url: expected an http(s) URL',
    ],
    [
      'an unparsable url',
      { w: { url: 'not a url' } },
      'mcp.json: mcpServers.w.url: expected an http(s) URL',
    ],
    [
      'args: "x"',
      { l: { command: 'c', args: 'x' } },
      'mcp.json: mcpServers.l.args: expected an array of strings',
    ],
    [
      'an arg number',
      { l: { command: 'c', args: ['a', 1] } },
      'mcp.json: mcpServers.l.args[1]: expected a string, got a number',
    ],
    [
      'command: ""',
      { local: { command: '' } },
      'mcp.json: mcpServers.local.command: expected a non-empty string',
    ],
    [
      'command: null',
      { local: { command: null } },
      'mcp.json: mcpServers.local.command: expected a non-empty string',
    ],
    [
      'env not an object',
      { l: { command: 'c', env: ['A=1'] } },
      'mcp.json: mcpServers.l.env: expected an object of strings',
    ],
    [
      'keepAlive a string',
      { l: { command: 'c', keepAlive: 'yes' } },
      'mcp.json: mcpServers.l.keepAlive: expected true or false, got a string',
    ],
    [
      'an unknown stderr mode',
      { l: { command: 'c', stderr: 'file' } },
      'mcp.json: mcpServers.l.stderr: expected "inherit", "pipe" or "ignore"',
    ],
    [
      'type http on stdio',
      { l: { command: 'c', type: 'http' } },
      'mcp.json: mcpServers.l.type: expected "stdio"',
    ],
    [
      'type stdio on remote',
      { r: { url: 'http://h', type: 'stdio' } },
      'mcp.json: mcpServers.r.type: expected "http", "streamable-http" or "sse"',
    ],
    [
      'auth oauth beside token_exchange',
      {
        r: {
          url: 'http://h',
          auth: 'oauth',
          token_exchange: { token_endpoint: 'http://a/token', client_id: 'c', client_secret: 's' },
        },
      },
      'mcp.json: mcpServers.r.auth: auth "oauth" cannot be combined with token_exchange: each gives the token',
    ],
    [
      'an empty auth',
      { r: { url: 'http://h', auth: '' } },
      'mcp.json: mcpServers.r.auth: expected a non-empty bearer token',
    ],
    [
      'required a string',
      { r: { url: 'http://h', required: 'yes' } },
      'mcp.json: mcpServers.r.required: expected true or false, got a string',
    ],
    [
      'include_tags a string',
      { r: { url: 'http://h', include_tags: 'a' } },
      'mcp.json: mcpServers.r.include_tags: expected an array of strings',
    ],
    [
      'a tool override not an object',
      { r: { url: 'http://h', tools: { t: 'rename' } } },
      'mcp.json: mcpServers.r.tools.t: expected an object',
    ],
    [
      'a tool override with bad fields',
      { r: { url: 'http://h', tools: { t: { enabled: 1 } } } },
      'mcp.json: mcpServers.r.tools.t.enabled: expected true or false, got a number',
    ],
    [
      'disabled a string',
      { r: { url: 'http://h', disabled: 'yes' } },
      'mcp.json: mcpServers.r.disabled: expected true or false, got a string',
    ],
    [
      'neither command nor url',
      { odd: { args: ['x'] } },
      'mcp.json: mcpServers.odd: expected a command (stdio) or a url (remote)',
    ],
    [
      'both command and url',
      { odd: { command: 'c', url: 'http://h' } },
      'mcp.json: mcpServers.odd: expected either command or url, not both',
    ],
    [
      'an entry that is not an object',
      { odd: 'npx server' },
      'mcp.json: mcpServers.odd: expected an object',
    ],
    [
      'a server name needing quotes',
      { 'my server': { command: '' } },
      'mcp.json: mcpServers["my server"].command: expected a non-empty string',
    ],
  ])('reports %s', (_label, mcpServers, expected) => {
    expect(errorOf(() => parse({ mcpServers }))).toBe(expected);
  });

  it('reports shape problems of the top level', () => {
    expect(errorOf(() => parse([]))).toBe('mcp.json: expected an object');
    expect(errorOf(() => parse({ mcpServers: [] }))).toBe(
      'mcp.json: mcpServers: expected an object of server entries',
    );
    expect(errorOf(() => parse({ mcpServers: {}, servers: {} }))).toBe(
      'mcp.json: servers: cannot be combined with mcpServers',
    );
    expect(errorOf(() => parse({ inputs: [] }))).toBe('mcp.json: mcpServers: no servers defined');
  });

  it('reports empty server maps and all-disabled configs', () => {
    expect(errorOf(() => parse({ mcpServers: {} }))).toBe(
      'mcp.json: mcpServers: no servers defined',
    );
    expect(errorOf(() => parse({ servers: {} }))).toBe('mcp.json: servers: no servers defined');
    expect(
      errorOf(() =>
        parse({
          mcpServers: {
            a: { command: 'x', disabled: true },
            b: { url: 'http://h', disabled: true },
          },
        }),
      ),
    ).toBe('mcp.json: mcpServers: no enabled servers');
  });

  it('reports a non-server key of a bare server map', () => {
    expect(errorOf(() => parse({ a: { command: 'x' }, version: 1 }))).toBe(
      'mcp.json: version: expected an object',
    );
  });

  it('lists several issues one per line, the first issue first, and keeps them in data', () => {
    let caught: ProxyError | undefined;
    try {
      parse({ mcpServers: { a: { command: '' }, b: { url: 1 }, c: {} } });
    } catch (error) {
      caught = error as ProxyError;
    }
    expect(caught?.message.split('\n')).toEqual([
      'mcp.json: mcpServers.a.command: expected a non-empty string',
      'mcp.json: mcpServers.b.url: expected an http(s) URL',
      'mcp.json: mcpServers.c: expected a command (stdio) or a url (remote)',
    ]);
    expect(caught?.data).toEqual({
      source: 'mcp.json',
      issues: [
        { path: 'mcpServers.a.command', message: 'expected a non-empty string' },
        { path: 'mcpServers.b.url', message: 'expected an http(s) URL' },
        { path: 'mcpServers.c', message: 'expected a command (stdio) or a url (remote)' },
      ],
    });
  });

  it('never echoes secret values in messages or data', () => {
    const SECRET = 'hunter2-SECRET-value';
    let caught: ProxyError | undefined;
    try {
      parse(
        {
          mcpServers: {
            s: { command: 'c', env: { A: SECRET, B: 7 }, args: [SECRET, false], stderr: SECRET },
            r: { url: '${SECRET_VAR}', headers: { H: SECRET, N: null }, auth: `\${${SECRET}` },
          },
        },
        { SECRET_VAR: SECRET },
      );
    } catch (error) {
      caught = error as ProxyError;
    }
    expect(caught?.message.split('\n')).toHaveLength(5);
    expect(caught?.message).not.toContain(SECRET);
    expect(JSON.stringify(caught?.data)).not.toContain(SECRET);
  });
});
