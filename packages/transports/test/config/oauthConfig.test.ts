// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../src/client/oauthFileStore';
import { loadMcpConfig, mcpConfigServers, parseMcpConfig } from '../../src/config/index';

// Promise: a remote entry's `oauth` block (or FastMCP's `"auth": "oauth"`) becomes the target's
// sign-in options: the secret from the environment, the token store relative to the config
// file, a login command naming the config. Each bad field is named, never a secret, and a
// token given another way (auth, token_exchange, an authorization header) is refused beside it.

const url = 'https://backend.example.test/mcp';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('oauth in a remote entry', () => {
  it('becomes the target sign-in options, with the secret from the environment', () => {
    const config = parseMcpConfig(
      {
        mcpServers: {
          ws: {
            url,
            oauth: {
              client_id: 'proxy-client',
              client_secret: '${OAUTH_SECRET}',
              scopes: ['mcp:read', 'mcp:write'],
              redirect_port: 8765,
            },
          },
        },
      },
      { env: { OAUTH_SECRET: 's3cr3t-value' } },
    );
    const [entry] = mcpConfigServers(config);
    expect(entry!.target).toMatchObject({
      url,
      oauth: {
        clientId: 'proxy-client',
        clientSecret: 's3cr3t-value',
        scopes: ['mcp:read', 'mcp:write'],
        redirectPort: 8765,
      },
    });
    expect(entry!.target).not.toHaveProperty('auth');
  });

  it('takes FastMCP\'s "auth": "oauth" as an empty block', () => {
    const [entry] = mcpConfigServers(
      parseMcpConfig({ mcpServers: { ws: { url, auth: 'oauth' } } }),
    );
    expect(entry!.target).toMatchObject({ url, oauth: {} });
    expect(entry!.target).not.toHaveProperty('auth');
  });

  it('resolves the token store against the config file and names it in the login command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-config-'));
    const file = join(dir, 'mcp.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      file,
      JSON.stringify({ mcpServers: { ws: { url, oauth: { token_store: 'grants.json' } } } }),
    );
    const [entry] = mcpConfigServers(await loadMcpConfig(file));
    const oauth = (entry!.target as { oauth: { store: unknown; loginCommand: string } }).oauth;
    expect(oauth.store).toBeInstanceOf(FileTokenStore);
    expect((oauth.store as FileTokenStore).path).toBe(join(dir, 'grants.json'));
    expect(oauth.loginCommand).toBe(`org-mcp-proxy login ws --config ${file}`);
  });

  it('names each bad field, never the secret', () => {
    const message = messageOf(() =>
      parseMcpConfig(
        {
          mcpServers: {
            a: {
              url,
              oauth: {
                client_secret: 'topsecret-1',
                scopes: ['two words'],
                redirect_port: 70000,
                client_metadata_url: 'http://not-https.example/client',
                colour: 'blue',
              },
            },
            b: { url, auth: 'fixed-token-9', oauth: {} },
            c: { url, headers: { Authorization: 'Bearer fixed-token-8' }, oauth: {} },
            d: {
              url,
              oauth: {},
              token_exchange: {
                token_endpoint: 'https://auth/token',
                client_id: 'p',
                client_secret: 'x',
              },
            },
            e: { url, oauth: { client_id: 'p', client_secret: '${UNSET_OAUTH_SECRET}' } },
          },
        },
        { env: {} },
      ),
    );
    expect(message).toContain('mcpServers.a.oauth: unknown key "colour"');
    expect(message).toContain('mcpServers.a.oauth.scopes[0]: expected one scope without spaces');
    expect(message).toContain('mcpServers.a.oauth.redirect_port: expected a port from 1 to 65535');
    expect(message).toContain(
      'mcpServers.a.oauth.client_metadata_url: expected an https URL with a path',
    );
    expect(message).toContain('mcpServers.b.oauth: oauth cannot be combined with auth');
    expect(message).toContain(
      'mcpServers.c.headers: an authorization header cannot be combined with oauth',
    );
    expect(message).toContain(
      'mcpServers.d.oauth: oauth cannot be combined with auth or token_exchange',
    );
    expect(message).toContain(
      'mcpServers.e.oauth.client_secret: environment variable UNSET_OAUTH_SECRET is not set',
    );
    for (const secret of ['topsecret-1', 'fixed-token-9', 'fixed-token-8']) {
      expect(message).not.toContain(secret);
    }
  });

  it('needs client_id beside client_secret', () => {
    expect(
      messageOf(() =>
        parseMcpConfig({ mcpServers: { a: { url, oauth: { client_secret: 'x' } } } }),
      ),
    ).toContain('mcpServers.a.oauth.client_secret: client_secret needs client_id');
  });
});
