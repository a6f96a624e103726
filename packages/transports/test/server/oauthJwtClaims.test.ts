import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServerHandle } from '../../src/server/index';
import { serveHttp } from '../../src/server/index';
import { initializeRequest, post } from './fixtures/http';

// Promise: the OAuth front checks every claim the MCP authorization spec relies on, with the
// configured clock skew, and says which one failed in `error_description`; only asymmetric
// keys of the issuer's JWKS sign an accepted token.

const RESOURCE = 'https://mcp.example.test/mcp';
const ISSUER = 'https://as.example.test';
const SKEW = 5;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
let jwksServer: Server;
let handle: HttpServerHandle;

beforeAll(async () => {
  keys = await generateKeyPair('ES256');
  stranger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
  handle = await serveHttp(() => new McpServer({ name: 'claims', version: '1' }).server, {
    port: 0,
    oauth: { resource: RESOURCE, authorizationServers: [ISSUER], jwksUri, clockToleranceSec: SKEW },
  });
});

afterAll(async () => {
  await handle?.close();
  await new Promise<void>((resolve) => jwksServer?.close(() => resolve()));
});

const now = () => Math.floor(Date.now() / 1000);

/** An ES256 token of the issuer's key (or `key`) with `claims` over sane defaults. */
function sign(claims: JWTPayload, key = keys.privateKey, kid = 'k1'): Promise<string> {
  return new SignJWT({
    iss: ISSUER,
    aud: RESOURCE,
    sub: 'u1',
    iat: now(),
    exp: now() + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid })
    .sign(key);
}

/** The status and `WWW-Authenticate` of an initialize with `token`. */
async function send(token: string): Promise<{ status: number; challenge: string | null }> {
  const res = await post(handle.url, initializeRequest(), { authorization: `Bearer ${token}` });
  await res.body?.cancel();
  return { status: res.status, challenge: res.headers.get('www-authenticate') };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the OAuth front and the claims of a JWT', () => {
  it('accepts a good token, and one expired within the clock skew', async () => {
    expect((await send(await sign({}))).status).toBe(200);
    expect((await send(await sign({ exp: now() - (SKEW - 3) }))).status).toBe(200);
  });

  it('refuses each bad claim with invalid_token naming it', async () => {
    const cases: Array<[string, Promise<string>, string]> = [
      ['expired beyond the skew', sign({ exp: now() - (SKEW + 30) }), 'token expired'],
      ['not valid yet', sign({ nbf: now() + SKEW + 60 }), 'claim nbf invalid'],
      ['another issuer', sign({ iss: 'https://evil.example.test' }), 'claim iss invalid'],
      [
        'another audience (RFC 8707)',
        sign({ aud: 'https://other.example.test/mcp' }),
        'claim aud invalid',
      ],
      ['no audience', sign({ aud: undefined }), 'claim aud invalid'],
      ['signed by another key under the same kid', sign({}, stranger.privateKey), 'bad signature'],
      [
        'signed by a key the JWKS does not have',
        sign({}, stranger.privateKey, 'k2'),
        'no matching key',
      ],
    ];
    for (const [what, token, why] of cases) {
      const { status, challenge } = await send(await token);
      expect(status, what).toBe(401);
      expect(challenge, what).toContain(`error="invalid_token", error_description="${why}"`);
      expect(challenge, what).toContain('resource_metadata="');
    }
  });

  it('refuses unsigned, symmetric and malformed tokens', async () => {
    const claims = { iss: ISSUER, aud: RESOURCE, sub: 'u1', exp: now() + 300 };
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    for (const [what, token] of [
      ['alg none', unsigned],
      ['HS256', hmac],
      ['not a JWT', 'abc.def'],
    ] as const) {
      const { status, challenge } = await send(token);
      expect(status, what).toBe(401);
      expect(challenge, what).toMatch(
        /error="invalid_token", error_description="(algorithm not allowed|malformed token)"/,
      );
    }
  });
});
