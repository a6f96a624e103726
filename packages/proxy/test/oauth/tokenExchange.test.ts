// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { createProxy } from '@org/proxy';
import { startIssuer, startWorkspaceHttp } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { frontInMemory } from '../fixtures/fronts';
import { callJson } from '../isolation/fixtures';
import { connectAs, serveOAuthFront } from '../policy/oauthFront';
import { Cleanup, initializeBody, POST_HEADERS } from '../reliability/fixtures/harness';

// Promise: a remote server with `token_exchange` is reached as each caller of the OAuth front:
// the caller's front token is exchanged (RFC 8693, at a real oidc-provider) for a token of that
// server, with the caller's own subject, once per front token; the front token itself never
// travels, a caller without one is refused, and no backend session serves two callers.

const BACKEND = 'https://backend.example.test/mcp';

function claims(authorization: string | null): Record<string, unknown> {
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const payload = authorization!.split(' ')[1]!.split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

describe('token exchange to a backend, per caller', () => {
  it('reaches the backend with each caller’s own exchanged token', async () => {
    const cleanup = new Cleanup();
    try {
      const exchanges: Array<{ subject: string; resource: string }> = [];
      const issuer = cleanup.add(
        await startIssuer(['alice', 'bob', 'proxy'], ['mcp:tools'], {
          onExchange: (exchange) => exchanges.push(exchange),
        }),
        (i) => i.close(),
      );
      const backend = cleanup.add(await startWorkspaceHttp('x'), (b) => b.stop());
      const config = {
        mcpServers: {
          ws: {
            url: backend.url,
            token_exchange: {
              token_endpoint: `${issuer.url}/token`,
              client_id: 'proxy',
              client_secret: '${PROXY_EXCHANGE_SECRET}',
              resource: BACKEND,
            },
          },
        },
      };
      process.env.PROXY_EXCHANGE_SECRET = 'secret-proxy';
      cleanup.add(config, () => {
        delete process.env.PROXY_EXCHANGE_SECRET;
      });
      const proxy = cleanup.add(createProxy(config), (p) => p.close());
      const url = await serveOAuthFront(proxy, issuer, cleanup);
      const [alice, bob] = await Promise.all([
        connectAs(url, issuer, cleanup, 'alice'),
        connectAs(url, issuer, cleanup, 'bob'),
      ]);
      const seen = async (caller: typeof alice) => {
        const who = await callJson<{ authorization: string | null }>(caller.client, 'whoami');
        return who.authorization;
      };
      const [aliceSees, bobSees] = await Promise.all([seen(alice), seen(bob)]);
      expect(claims(aliceSees)).toMatchObject({ sub: 'alice', aud: BACKEND, client_id: 'proxy' });
      expect(claims(bobSees)).toMatchObject({ sub: 'bob', aud: BACKEND, client_id: 'proxy' });
      expect(aliceSees).not.toContain(alice.token);
      expect(bobSees).not.toContain(bob.token);
      // More calls reuse each caller's exchanged token: one exchange per front token.
      expect(await seen(alice)).toBe(aliceSees);
      expect(exchanges.map((e) => e.subject).sort()).toEqual(['alice', 'bob']);
      expect(exchanges.every((e) => e.resource === BACKEND)).toBe(true);

      // A session alice opened, used with bob's token: refused, bob's token never sent as hers.
      const aliceToken = await issuer.token('alice', 'https://mcp.example.test/mcp');
      const bobToken = await issuer.token('bob', 'https://mcp.example.test/mcp');
      const post = (token: string, body: string, session?: string) =>
        fetch(url, {
          method: 'POST',
          headers: {
            ...POST_HEADERS,
            authorization: `Bearer ${token}`,
            ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
          },
          body,
        });
      const opened = await post(aliceToken, initializeBody());
      const session = opened.headers.get('mcp-session-id')!;
      await opened.text();
      await (
        await post(
          aliceToken,
          JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
          session,
        )
      ).text();
      const call = (token: string, id: number) =>
        post(
          token,
          JSON.stringify({
            jsonrpc: '2.0',
            id,
            method: 'tools/call',
            params: { name: 'whoami', arguments: {} },
          }),
          session,
        ).then((r) => r.text());
      const own = await call(aliceToken, 2);
      expect(own).toContain('authorization');
      expect(own).not.toContain('another caller');
      const crossed = await call(bobToken, 3);
      expect(crossed).toContain('this backend session belongs to another caller');
      expect(exchanges.filter((e) => e.subject === 'bob')).toHaveLength(1);

      // Without an OAuth front there is no caller's token: refused, naming the backend.
      const anonymous = createProxy(config);
      cleanup.add(anonymous, (p) => p.close());
      const refused = await frontInMemory(anonymous)
        .then(async (front) => {
          cleanup.add(front, (f) => f.close());
          return front.client.callTool({ name: 'whoami', arguments: {} });
        })
        .then(
          (result) => JSON.stringify(result),
          (error: Error) => error.message,
        );
      expect(refused).toContain('Backend ws is reached with each caller');
      expect(refused).toContain('no OAuth caller');

      // The shared strategy would put callers on one backend session: refused at once.
      expect(() => createProxy(config, { strategy: 'shared' })).toThrow(
        'mcpServers.ws.token_exchange cannot be used with the shared strategy',
      );
    } finally {
      await cleanup.run();
    }
  });
});
