import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type Issuer, startIssuer } from '@org/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServerHandle } from '../../src/server/index';
import { serveHttp } from '../../src/server/index';

const RESOURCE = 'http://127.0.0.1/mcp';
let issuer = '';
let close: () => Promise<void> = async () => {};
let handle: HttpServerHandle;
const jwksHits: string[] = [];

let authServer: Issuer;

function token(clientId: string, resource = RESOURCE): Promise<string> {
  return authServer.token(clientId, resource, 'mcp:tools');
}

beforeAll(async () => {
  authServer = await startIssuer(['alice', 'bob'], ['mcp:tools'], {
    onRequest: (url) => {
      if (url.startsWith('/jwks')) jwksHits.push(url);
    },
  });
  issuer = authServer.url;
  close = () => authServer.close();
  handle = await serveHttp(
    () => {
      const mcp = new McpServer({ name: 'who', version: '1' });
      mcp.tool('whoami', async (extra) => ({
        content: [
          { type: 'text', text: `${extra.authInfo?.clientId}|${extra.authInfo?.scopes.join(',')}` },
        ],
      }));
      return mcp.server;
    },
    { oauth: { resource: RESOURCE, authorizationServers: [issuer], scopes: ['mcp:tools'] } },
  );
});
afterAll(async () => {
  await handle?.close();
  await close();
});

describe('serveHttp oauth front', () => {
  it('answers 403 insufficient_scope naming the scope needed', async () => {
    const strict = await serveHttp(() => new McpServer({ name: 's', version: '1' }).server, {
      oauth: { resource: RESOURCE, authorizationServers: [issuer], scopes: ['mcp:admin'] },
    });
    try {
      const bearer = await token('alice');
      const res = await fetch(strict.url, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain(
        'error="insufficient_scope", scope="mcp:admin"',
      );
    } finally {
      await strict.close();
    }
  });

  it('fetches the JWKS once for many requests', async () => {
    const bearer = await token('bob');
    const before = jwksHits.length;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(handle.url, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).not.toBe(401);
    }
    expect(jwksHits.length - before).toBe(1);
  });

  it('serves the protected resource metadata', async () => {
    const res = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', handle.url));
    expect(await res.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
    });
  });

  it('answers 401 with resource_metadata without a token, invalid_token for bad ones', async () => {
    const res = await fetch(handle.url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"',
    );
    const other = await token('alice', 'http://127.0.0.1/other');
    const good = await token('alice');
    const tampered = `${good.slice(0, -4)}${good.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (const [bad, why] of [
      [other, 'claim aud invalid'],
      [tampered, 'bad signature'],
    ]) {
      const r = await fetch(handle.url, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain(
        `error="invalid_token", error_description="${why}"`,
      );
    }
  });

  it('hands each client its own authInfo', async () => {
    const results = await Promise.all(
      ['alice', 'bob'].map(async (id) => {
        const bearer = await token(id);
        const client = new Client({ name: id, version: '1' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(handle.url), {
            requestInit: { headers: { authorization: `Bearer ${bearer}` } },
          }),
        );
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        await client.close();
        return (result.content as { text: string }[])[0]?.text;
      }),
    );
    expect(results).toEqual(['alice|mcp:tools', 'bob|mcp:tools']);
  });
});
