import { ProxyError, ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';

const BACKEND = ['https://backend.example/mcp'];
const OAUTH = [
  '--oauth-issuer',
  'https://as.example',
  '--oauth-resource',
  'https://mcp.example/mcp',
];

function usage(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCliArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.InvalidArguments);
    return (error as Error).message;
  }
  throw new Error(`Expected a usage error for ${argv.join(' ')}`);
}

describe('the --oauth-* options', () => {
  it('give the HTTP front its OAuth settings, scopes split on spaces', () => {
    const command = parseCliArgs(
      [
        ...BACKEND,
        ...['--transport', 'http', ...OAUTH, '--oauth-issuer', 'https://as2.example'],
        ...['--oauth-scope', 'mcp:tools mcp:read', '--oauth-scope', 'x'],
        ...['--oauth-jwks', 'https://as.example/jwks'],
      ],
      {},
    );
    if (command.action !== 'run') throw new Error('run expected');
    expect(command.config.http.oauth).toEqual({
      resource: 'https://mcp.example/mcp',
      authorizationServers: ['https://as.example', 'https://as2.example'],
      scopes: ['mcp:tools', 'mcp:read', 'x'],
      jwksUri: 'https://as.example/jwks',
    });
    expect(command.config.http.authToken).toBeUndefined();
  });

  it('refuse a partial or misplaced set, naming the option', () => {
    expect(usage([...BACKEND, ...OAUTH])).toBe(
      'Option needs --transport http or sse: --oauth-issuer',
    );
    expect(usage([...BACKEND, '--transport', 'http', '--oauth-scope', 'a'])).toBe(
      'Option --oauth-scope needs --oauth-issuer',
    );
    expect(
      usage([...BACKEND, '--transport', 'http', '--oauth-issuer', 'https://as.example']),
    ).toMatch(/^Option --oauth-issuer needs --oauth-resource/);
    expect(usage([...BACKEND, '--transport', 'http', ...OAUTH, '--oauth-jwks', 'ftp://x'])).toBe(
      'Invalid URL for --oauth-jwks (http or https only): ftp://x',
    );
    expect(
      usage([
        ...BACKEND,
        '--transport',
        'http',
        '--oauth-issuer',
        'not a url',
        '--oauth-resource',
        'https://m.example',
      ]),
    ).toBe('Invalid URL for --oauth-issuer: not a url');
  });

  it('refuse a static token beside them, from the option or the environment', () => {
    expect(usage([...BACKEND, '--transport', 'http', ...OAUTH, '--auth-token', 't'])).toMatch(
      /^--oauth-issuer cannot be combined with --auth-token/,
    );
    expect(
      usage([...BACKEND, '--transport', 'http', ...OAUTH], { ORG_MCP_PROXY_AUTH_TOKEN: 't' }),
    ).toMatch(/^--oauth-issuer cannot be combined with ORG_MCP_PROXY_AUTH_TOKEN/);
  });

  it('refuse --forward-header authorization (token passthrough), whatever its case', () => {
    const message = usage([
      ...BACKEND,
      ...['--transport', 'http', ...OAUTH, '--forward-header', 'Authorization'],
    ]);
    expect(message).toMatch(/^--forward-header authorization cannot be used with --oauth-issuer/);
    expect(message).toContain('forbids token passthrough');
    // Another header may still be forwarded.
    const command = parseCliArgs(
      [...BACKEND, '--transport', 'http', ...OAUTH, '--forward-header', 'x-tenant'],
      {},
    );
    expect(command.action === 'run' && command.config.forwardHeaders).toEqual(['x-tenant']);
  });

  it('take --dashboard, and --dashboard-scope only with it', () => {
    const command = parseCliArgs(
      [
        ...BACKEND,
        '--transport',
        'http',
        ...OAUTH,
        '--dashboard',
        '--dashboard-scope',
        'mcp:admin',
      ],
      {},
    );
    expect(command.action === 'run' && command.config.operations?.dashboardScopes).toEqual([
      'mcp:admin',
    ]);
    expect(usage([...BACKEND, '--transport', 'http', ...OAUTH, '--dashboard-scope', 'x'])).toBe(
      'Option needs --dashboard: --dashboard-scope',
    );
  });

  it('take --oauth-introspection with its client from the environment only', () => {
    const env = {
      ORG_MCP_PROXY_OAUTH_CLIENT_ID: 'proxy',
      ORG_MCP_PROXY_OAUTH_CLIENT_SECRET: 'shh',
    };
    const argv = [
      ...BACKEND,
      '--transport',
      'http',
      ...OAUTH,
      '--oauth-introspection',
      'https://as.example/introspect',
    ];
    const command = parseCliArgs(argv, env);
    expect(command.action === 'run' && command.config.http.oauth?.introspection).toEqual({
      endpoint: 'https://as.example/introspect',
      clientId: 'proxy',
      clientSecret: 'shh',
    });
    expect(usage(argv, {})).toMatch(
      /^Option --oauth-introspection needs ORG_MCP_PROXY_OAUTH_CLIENT_ID and ORG_MCP_PROXY_OAUTH_CLIENT_SECRET/,
    );
    expect(usage([...argv, '--oauth-jwks', 'https://as.example/jwks'], env)).toMatch(
      /^Options --oauth-introspection and --oauth-jwks are mutually exclusive/,
    );
  });
});
