import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Issuer, startIssuer, workspaceStdioCommand } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../cli/cliProcess';
import { initializeBody, POST_HEADERS } from '../reliability/fixtures/harness';

// Promise: `--oauth-issuer` makes the CLI's HTTP front an OAuth resource server: it publishes
// its protected resource metadata, refuses a request without a token, with a token for another
// resource or without the scope, and serves each client with a valid token its own session.

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const RESOURCE = 'https://mcp.example.test/mcp';
let issuer: Issuer;
let cli: CliProcess;
let url: string;

beforeAll(async () => {
  issuer = await startIssuer(['alice', 'bob'], ['mcp:tools', 'other']);
  const backend = workspaceStdioCommand('o');
  cli = startCli([
    ...['--transport', 'http', '--port', '0'],
    ...['--oauth-issuer', issuer.url, '--oauth-resource', RESOURCE, '--oauth-scope', 'mcp:tools'],
    ...['--env', 'WORKSPACE_PREFIX=o', '--', backend.command, ...backend.args],
  ]);
  const [, listening] = await cli.waitForStderr(LISTENING);
  url = listening!;
});

afterAll(async () => {
  await cli?.stop();
  await issuer?.close();
});

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'oauth-front', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

const initialize = (headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { ...POST_HEADERS, ...headers }, body: initializeBody() });

describe('the CLI with --oauth-issuer', () => {
  it('publishes its protected resource metadata naming the issuer and the scope', async () => {
    const base = new URL(url);
    const metadata = await fetch(
      `${base.origin}/.well-known/oauth-protected-resource${base.pathname}`,
    );
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      resource: RESOURCE,
      authorization_servers: [issuer.url],
      scopes_supported: ['mcp:tools'],
    });
  });

  it('refuses no token, a token for another resource and a token without the scope', async () => {
    const none = await initialize({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+"/);
    const elsewhere = await issuer.token('alice', 'https://other.example.test/mcp');
    const wrongAudience = await initialize({ authorization: `Bearer ${elsewhere}` });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const narrow = await issuer.token('alice', RESOURCE, 'other');
    const noScope = await initialize({ authorization: `Bearer ${narrow}` });
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toMatch(
      /error="insufficient_scope".*scope="mcp:tools"/,
    );
    expect(cli.stderr()).not.toContain(elsewhere);
    expect(cli.stderr()).not.toContain(narrow);
  });

  it('serves two clients with their own tokens, each its own backend session', async () => {
    const [alice, bob] = await Promise.all([
      connect(await issuer.token('alice', RESOURCE)),
      connect(await issuer.token('bob', RESOURCE)),
    ]);
    try {
      await alice.callTool({ name: 'note_add', arguments: { name: 'alice-only', text: 'x' } });
      const state = async (client: Client) => {
        const result = await client.callTool({ name: 'state', arguments: {} });
        return JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as {
          notes: string[];
        };
      };
      expect((await state(alice)).notes).toEqual(['alice-only']);
      expect((await state(bob)).notes).toEqual([]);
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});
