import { ProxyError, ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import type { CliConfig } from '../../src/cli/cliConfig';
import { exitCodeFor, formatCliError } from '../../src/cli/cliError';

const NO_ENV = {};

function config(argv: string[], env: NodeJS.ProcessEnv = NO_ENV): CliConfig {
  const command = parseCliArgs(argv, env);
  if (command.action !== 'run') throw new Error(`Expected a run command, got ${command.action}`);
  return command.config;
}

function usageMessage(argv: string[], env: NodeJS.ProcessEnv = NO_ENV): string {
  try {
    parseCliArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidArguments);
    return (error as ProxyError).message;
  }
  throw new Error(`Expected a usage error for: ${argv.join(' ')}`);
}

describe('parseCliArgs: backends', () => {
  it('takes an http(s) URL as the backend', () => {
    expect(config(['https://example.com/mcp']).backend).toEqual({
      kind: 'url',
      url: 'https://example.com/mcp',
    });
  });

  it('takes any other argument as a config file', () => {
    expect(config(['./mcp.json']).backend).toEqual({ kind: 'config', file: './mcp.json' });
  });

  it('takes everything after -- as the command, options included', () => {
    const parsed = config(['--env', 'A=1', '--', 'node', 'server.js', '--port', '3', '--']);
    expect(parsed.backend).toEqual({
      kind: 'command',
      command: 'node',
      args: ['server.js', '--port', '3', '--'],
      env: { A: '1' },
    });
  });

  it('keeps = and everything after it in --env values', () => {
    const parsed = config(['--env', 'TOKEN=a=b', '--env', 'EMPTY=', '--', 'cmd']);
    expect(parsed.backend).toMatchObject({ env: { TOKEN: 'a=b', EMPTY: '' } });
  });

  it('reports a missing backend', () => {
    expect(usageMessage([])).toMatch(/^Missing backend/);
    expect(usageMessage(['--transport', 'http'])).toMatch(/^Missing backend/);
  });

  it('reports -- without a command', () => {
    expect(usageMessage(['--'])).toBe('Missing command after --');
  });

  it('reports two backends and extra arguments', () => {
    expect(usageMessage(['mcp.json', '--', 'node'])).toMatch(/not both: mcp\.json$/);
    expect(usageMessage(['a.json', 'b.json'])).toBe('Unexpected argument: b.json');
  });

  it('rejects non-http URL schemes, showing only the scheme', () => {
    expect(usageMessage(['ws://user:secret@example.com/mcp'])).toBe(
      'Unsupported backend URL scheme (expected http or https): ws:',
    );
  });

  it('rejects an unparsable URL without showing credentials', () => {
    const message = usageMessage(['http://user:secret@exa mple.com/mcp?token=abc']);
    expect(message).toBe('Invalid backend URL: http://exa mple.com/mcp');
    expect(message).not.toContain('secret');
    expect(message).not.toContain('abc');
  });

  it('points a script given as the backend to --', () => {
    expect(usageMessage(['server.js'])).toMatch(/after --.*: server\.js$/);
  });

  it('rejects --env without a command backend', () => {
    expect(usageMessage(['https://example.com/mcp', '--env', 'A=1'])).toBe(
      'Option needs a command backend (-- <command>): --env',
    );
  });

  it('rejects --env entries without = and never shows them', () => {
    const message = usageMessage(['--env', 'A=1', '--env', 'sk-secret', '--', 'cmd']);
    expect(message).toMatch(/^Invalid --env \(expected KEY=VALUE.*\): #2$/);
    expect(message).not.toContain('sk-secret');
  });

  it('rejects bad --env variable names, showing the name only', () => {
    const message = usageMessage(['--env', '1BAD=secret', '--', 'cmd']);
    expect(message).toBe('Invalid variable name for --env: 1BAD');
  });
});

describe('parseCliArgs: defaults and options', () => {
  it('has defaults: stdio front, per-session, info, loopback, free port', () => {
    const parsed = config(['https://example.com/mcp']);
    expect(parsed).toEqual({
      backend: { kind: 'url', url: 'https://example.com/mcp' },
      transport: 'stdio',
      http: { host: '127.0.0.1', port: 0, stateless: false, allowedHosts: [], cors: false },
      strategy: 'per-session',
      forwardHeaders: [],
      logLevel: 'info',
      name: 'org-mcp-proxy',
      operations: {
        logFormat: 'text',
        metrics: false,
        auditArguments: false,
        otel: false,
        dashboard: false,
      },
    });
  });

  it('reads the operations options, and refuses them where they cannot work, naming them', () => {
    const parsed = config(
      [
        ...[
          'https://example.com/mcp',
          '--transport',
          'http',
          '--metrics',
          '--metrics-port',
          '9464',
        ],
        ...['--log-format', 'json', '--audit-log', '-', '--audit-arguments', '--dashboard'],
      ],
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
    );
    expect(parsed.operations).toEqual({
      logFormat: 'json',
      metrics: true,
      metricsPort: 9464,
      auditLog: '-',
      auditArguments: true,
      otel: true,
      dashboard: true,
    });
    const refused = (argv: string[], message: RegExp) =>
      expect(() => parseCliArgs(['https://example.com/mcp', ...argv], {})).toThrow(message);
    refused(['--log-format', 'xml'], /log format/);
    refused(['--metrics'], /--metrics/);
    refused(['--dashboard'], /--dashboard/);
    refused(['--audit-log', '-'], /standard output/);
    refused(['--audit-arguments'], /--audit-log/);
    refused(['--metrics-port', '70000'], /--metrics-port/);
  });

  it('reads every HTTP front option', () => {
    const parsed = config([
      ...['https://example.com/mcp', '--transport', 'http', '--host', '0.0.0.0', '--port', '8080'],
      ...['--path', '/proxy', '--auth-token', 'tok', '--stateless', '--cors'],
      ...['--allowed-host', 'a.example', '--allowed-host', 'b.example:8443'],
    ]);
    expect(parsed.transport).toBe('http');
    expect(parsed.http).toEqual({
      host: '0.0.0.0',
      port: 8080,
      path: '/proxy',
      authToken: 'tok',
      stateless: true,
      allowedHosts: ['a.example', 'b.example:8443'],
      cors: true,
    });
  });

  it('reads the backend options, with = syntax too', () => {
    const parsed = config([
      ...['https://example.com/mcp', '--strategy=shared', '--cache-ttl', '0', '--timeout=1500'],
      ...[
        '--refresh-on-list',
        '--forward-header',
        'Authorization',
        '--forward-header',
        'X-Trace-Id',
      ],
      ...['--name', 'gateway', '--log-level', 'debug'],
    ]);
    expect(parsed).toMatchObject({
      strategy: 'shared',
      cacheTtlMs: 0,
      refreshOnList: true,
      requestTimeoutMs: 1500,
      forwardHeaders: ['Authorization', 'X-Trace-Id'],
      name: 'gateway',
      logLevel: 'debug',
    });
  });

  it('takes the auth token from ORG_MCP_PROXY_AUTH_TOKEN, the option winning', () => {
    const env = { ORG_MCP_PROXY_AUTH_TOKEN: 'from-env' };
    const args = ['https://example.com/mcp', '--transport', 'sse'];
    expect(config(args, env).http.authToken).toBe('from-env');
    expect(config([...args, '--auth-token', 'flag'], env).http.authToken).toBe('flag');
    expect(config(['https://example.com/mcp'], env).http.authToken).toBeUndefined();
  });

  it('answers --help and --version before validating anything else', () => {
    expect(parseCliArgs(['--bogus', '--help'], NO_ENV)).toEqual({ action: 'help' });
    expect(parseCliArgs(['-h'], NO_ENV)).toEqual({ action: 'help' });
    expect(parseCliArgs(['--version', '--port', 'x'], NO_ENV)).toEqual({ action: 'version' });
    expect(parseCliArgs(['-v'], NO_ENV)).toEqual({ action: 'version' });
  });

  it('passes --help after -- to the command', () => {
    expect(config(['--', 'server', '--help']).backend).toMatchObject({ args: ['--help'] });
  });
});

describe('parseCliArgs: bad values name what is wrong', () => {
  const url = 'https://example.com/mcp';
  const http = [url, '--transport', 'http'];

  it.each([
    [['--bogus', url], 'Unknown option: --bogus'],
    [['-x', url], 'Unknown option: -x'],
    [[...http, '--port'], 'Missing value for option: --port'],
    [[...http, '--port', '--cors'], 'Missing value for option: --port'],
    [[...http, '--cors=yes'], 'Option takes no value: --cors'],
    [[url, '--transport', 'ftp'], 'Unknown transport (expected stdio, http or sse): ftp'],
    [
      [url, '--strategy', 'pooled'],
      'Unknown strategy (expected per-session, per-request or shared): pooled',
    ],
    [
      [url, '--log-level', 'loud'],
      'Unknown log level (expected debug, info, warn, error or silent): loud',
    ],
    [[...http, '--port', '99999'], 'Invalid --port (expected an integer from 0 to 65535): 99999'],
    [[...http, '--port', '80a'], 'Invalid --port (expected an integer from 0 to 65535): 80a'],
    [[...http, '--port', '-1'], 'Missing value for option: --port'],
    [
      [url, '--cache-ttl', '1.5'],
      'Invalid --cache-ttl (expected an integer from 0 to 2147483647): 1.5',
    ],
    [[url, '--timeout', '0'], 'Invalid --timeout (expected an integer from 1 to 2147483647): 0'],
    [[...http, '--path', 'mcp'], 'Invalid --path (expected a path starting with /): mcp'],
    [[url, '--forward-header', 'X Bad'], 'Invalid header name for --forward-header: X Bad'],
    [[...http, '--allowed-host', 'a b'], 'Invalid host for --allowed-host: a b'],
    [[...http, '--host', ' '], 'Empty value for option: --host'],
    [[url, '--name', ''], 'Empty value for option: --name'],
    [[...http, '--auth-token='], 'Empty value for option: --auth-token'],
    [[url, '--port', '8080'], 'Option needs --transport http or sse: --port'],
    [[url, '--auth-token', 'tok'], 'Option needs --transport http or sse: --auth-token'],
    [[url, '--stateless'], 'Option needs --transport http or sse: --stateless'],
  ])('%j -> %s', (argv, message) => {
    expect(usageMessage(argv)).toBe(message);
  });

  it('never shows the auth token in a message', () => {
    expect(usageMessage([url, '--auth-token', 'sk-123'])).not.toContain('sk-123');
  });
});

describe('formatCliError', () => {
  it('prefixes every line, adds the hint to usage errors, exits 2 for them', () => {
    const error = new ProxyError(ProxyErrorCode.InvalidConfig, 'a.json: x\na.json: y');
    expect(formatCliError(error)).toBe(
      'org-mcp-proxy: a.json: x\norg-mcp-proxy: a.json: y\nRun org-mcp-proxy --help for usage\n',
    );
    expect(exitCodeFor(error)).toBe(2);
  });

  it("adds the cause's system error code when the message lacks it", () => {
    const cause = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const error = new ProxyError(ProxyErrorCode.InvalidConfig, 'Cannot listen on: h:1', { cause });
    expect(formatCliError(error)).toMatch(/^org-mcp-proxy: Cannot listen on: h:1 \(EADDRINUSE\)\n/);
    const missing = Object.assign(new Error('open f'), { code: 'ENOENT' });
    const named = new ProxyError(ProxyErrorCode.InvalidConfig, 'f: ENOENT', { cause: missing });
    expect(formatCliError(named)).toMatch(/^org-mcp-proxy: f: ENOENT\n/);
  });

  it('exits 1 without the hint for failures while running', () => {
    const error = new Error('listen EADDRINUSE: address already in use 127.0.0.1:80');
    expect(formatCliError(error)).toBe(`org-mcp-proxy: ${error.message}\n`);
    expect(exitCodeFor(error)).toBe(1);
  });
});
