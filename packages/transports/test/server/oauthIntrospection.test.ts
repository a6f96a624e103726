import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { closedPort, type Issuer, startIssuer } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServerHandle } from '../../src/server/index';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, post } from './fixtures/http';

// Promise: with `introspection`, the OAuth front accepts opaque tokens the authorization server
// calls active for this resource, each client as itself; it asks once per token within the
// cache lifetime; it refuses inactive tokens and tokens of another resource; and when the
// endpoint fails it answers 503, never letting a request through unchecked.

const RESOURCE = 'http://127.0.0.1/mcp';
let issuer: Issuer;
let handle: HttpServerHandle;
const introspections: string[] = [];

function whoServer() {
  const mcp = new McpServer({ name: 'who', version: '1' });
  mcp.tool('whoami', async (extra) => ({
    content: [
      { type: 'text', text: `${extra.authInfo?.clientId}|${extra.authInfo?.scopes.join(',')}` },
    ],
  }));
  return mcp.server;
}

beforeAll(async () => {
  issuer = await startIssuer(['alice', 'bob', 'proxy'], ['mcp:tools'], {
    opaque: true,
    onRequest: (url) => {
      if (url.startsWith('/token/introspection')) introspections.push(url);
    },
  });
  handle = await serveHttp(whoServer, {
    port: 0,
    oauth: {
      resource: RESOURCE,
      authorizationServers: [issuer.url],
      scopes: ['mcp:tools'],
      introspection: {
        endpoint: `${issuer.url}/token/introspection`,
        clientId: 'proxy',
        clientSecret: 'secret-proxy',
      },
    },
  });
});

afterAll(async () => {
  await handle?.close();
  await issuer?.close();
});

const send = (url: string, token: string) =>
  post(url, initializeRequest(), { authorization: `Bearer ${token}` });

describe('the OAuth front with token introspection', () => {
  it('serves each client with an opaque token as itself, asking once per token', async () => {
    const tokens = await Promise.all(['alice', 'bob'].map((id) => issuer.token(id, RESOURCE)));
    expect(tokens[0]!.split('.')).toHaveLength(1); // opaque, not a JWT
    const before = introspections.length;
    const answers = await Promise.all(
      tokens.map(async (token, i) => {
        const client = new Client({ name: `c${i}`, version: '1' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(handle.url), {
            requestInit: { headers: { authorization: `Bearer ${token}` } },
          }),
        );
        const first = await client.callTool({ name: 'whoami', arguments: {} });
        await client.callTool({ name: 'whoami', arguments: {} });
        await client.close();
        return (first.content as Array<{ text: string }>)[0]!.text;
      }),
    );
    expect(answers).toEqual(['alice|mcp:tools', 'bob|mcp:tools']);
    // Several HTTP requests per client (initialize, initialized, calls, DELETE): one question each.
    expect(introspections.length - before).toBe(2);
  });

  it('asks once for a burst of concurrent requests carrying one new token', async () => {
    const token = await issuer.token('alice', RESOURCE);
    const before = introspections.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await send(handle.url, token);
        await res.body?.cancel();
        return res.status;
      }),
    );
    expect(answers).toEqual(Array(8).fill(200));
    expect(introspections.length - before).toBe(1);
  });

  it('refuses an unknown token and a token of another resource with invalid_token', async () => {
    for (const [token, why] of [
      ['not-a-token-the-server-issued', 'token not active'],
      [await issuer.token('alice', 'http://127.0.0.1/other'), 'claim aud invalid'],
    ] as const) {
      const res = await send(handle.url, token);
      await res.body?.cancel();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain(
        `error="invalid_token", error_description="${why}"`,
      );
    }
  });

  it('answers 503 with Retry-After when the introspection endpoint is down', async () => {
    const down = await serveHttp(whoServer, {
      port: 0,
      oauth: {
        resource: RESOURCE,
        authorizationServers: [issuer.url],
        introspection: {
          endpoint: `http://127.0.0.1:${await closedPort()}/introspect`,
          clientId: 'proxy',
          clientSecret: 'secret-proxy',
        },
      },
    });
    try {
      const res = await send(down.url, await issuer.token('alice', RESOURCE));
      const body = (await res.json()) as { error: { message: string } };
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(body.error.message).toMatch(
        /cannot check the access token: the introspection endpoint failed/,
      );
    } finally {
      await down.close();
    }
  });
});
