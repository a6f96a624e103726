import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startIssuer, workspaceStdioCommand } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { initializeBody, POST_HEADERS } from '../reliability/fixtures/harness';

// Promise: `--oauth-introspection` makes the CLI check opaque tokens at the authorization
// server, as the client named in the environment; each client is served its own session, a
// token the server does not know is refused, and the secret never reaches the log.

const LISTENING = /Proxy listening on (http:\/\/\S+) \(SSE: \S+\)/;
const RESOURCE = 'https://mcp.example.test/mcp';

describe('the CLI with --oauth-introspection', () => {
  it('serves two clients with opaque tokens, and refuses an unknown one', async () => {
    const issuer = await startIssuer(['alice', 'bob', 'proxy'], ['mcp:tools'], { opaque: true });
    const backend = workspaceStdioCommand('i');
    const cli = startCli(
      [
        ...['--transport', 'http', '--port', '0', '--oauth-issuer', issuer.url],
        ...[
          '--oauth-resource',
          RESOURCE,
          '--oauth-introspection',
          `${issuer.url}/token/introspection`,
        ],
        ...['--env', 'WORKSPACE_PREFIX=i', '--', backend.command, ...backend.args],
      ],
      {
        ...process.env,
        ORG_MCP_PROXY_OAUTH_CLIENT_ID: 'proxy',
        ORG_MCP_PROXY_OAUTH_CLIENT_SECRET: 'secret-proxy',
      },
    );
    const clients: Client[] = [];
    try {
      const [, url] = await cli.waitForStderr(LISTENING);
      const unknown = await fetch(url!, {
        method: 'POST',
        headers: { ...POST_HEADERS, authorization: 'Bearer made-up-token' },
        body: initializeBody(),
      });
      expect(unknown.status).toBe(401);
      expect(unknown.headers.get('www-authenticate')).toContain('token not active');
      for (const id of ['alice', 'bob']) {
        const token = await issuer.token(id, RESOURCE);
        const client = new Client({ name: id, version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(url!), {
            requestInit: { headers: { authorization: `Bearer ${token}` } },
          }),
        );
        clients.push(client);
      }
      await clients[0]!.callTool({
        name: 'note_add',
        arguments: { name: 'alice-note', text: 'x' },
      });
      const notes = await Promise.all(
        clients.map(async (client) => {
          const result = await client.callTool({ name: 'state', arguments: {} });
          return (
            JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as { notes: string[] }
          ).notes;
        }),
      );
      expect(notes).toEqual([['alice-note'], []]);
      expect(cli.stderr()).not.toContain('secret-proxy');
    } finally {
      for (const client of clients) await client.close();
      await cli.stop();
      await issuer.close();
    }
  });
});
