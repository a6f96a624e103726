// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { describe, expect, it } from 'vitest';
import { mcpConfigServers, parseMcpConfig } from '../../src/config/index';

// Promise: a remote entry's `token_exchange` block is validated field by field, expands
// `${VAR}` (the secret is never quoted), defaults its resource to the entry's URL, and cannot
// be combined with a fixed bearer token.

const url = 'https://backend.example.test/mcp';

describe('token_exchange in a remote entry', () => {
  it('becomes the target of each caller, with the secret from the environment', () => {
    const config = parseMcpConfig(
      {
        mcpServers: {
          ws: {
            url,
            token_exchange: {
              token_endpoint: 'https://auth.example.test/token',
              client_id: 'proxy',
              client_secret: '${EXCHANGE_SECRET}',
            },
          },
        },
      },
      { env: { EXCHANGE_SECRET: 's3cr3t-value' } },
    );
    const [entry] = mcpConfigServers(config);
    expect(entry!.target).toMatchObject({
      tokenExchange: {
        tokenEndpoint: 'https://auth.example.test/token',
        clientId: 'proxy',
        clientSecret: 's3cr3t-value',
        resource: url,
      },
    });
  });

  it('names each bad field, never the secret', () => {
    let message = '';
    try {
      parseMcpConfig(
        {
          mcpServers: {
            a: { url, token_exchange: { token_endpoint: 'ftp://x', client_secret: 'topsecret-1' } },
            b: {
              url,
              auth: 'fixed-token-9',
              token_exchange: {
                token_endpoint: 'https://auth/token',
                client_id: 'p',
                client_secret: 'x',
              },
            },
            c: {
              url,
              token_exchange: {
                token_endpoint: 'https://auth/token',
                client_id: 'p',
                client_secret: '${UNSET_SECRET_VAR}',
              },
            },
          },
        },
        { env: {} },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'mcpServers.a.token_exchange.token_endpoint: expected an http(s) URL',
    );
    expect(message).toContain('mcpServers.a.token_exchange.client_id: ');
    expect(message).toContain(
      'mcpServers.b.token_exchange: token_exchange cannot be combined with auth',
    );
    expect(message).toContain('mcpServers.c.token_exchange.client_secret: ');
    expect(message).not.toContain('topsecret-1');
    expect(message).not.toContain('fixed-token-9');
  });
});
