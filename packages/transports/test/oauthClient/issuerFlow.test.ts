// The OAuth test infrastructure, proven with the MCP SDK's own client: a real authorization
// server (oidc-provider, `startIssuer` with `authorizationCode`), a backend that verifies its
// tokens (`startProtectedBackend`) and a scripted browser (`browseAuthorization`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  auth,
  type OAuthClientProvider,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  browseAuthorization,
  type Issuer,
  type ProtectedBackend,
  startIssuer,
  startProtectedBackend,
  waitFor,
} from '@org/test-utils';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

const SCOPES = ['mcp:read', 'mcp:write'];

/** A loopback listener standing in for a CLI's redirect URI: it answers and records each hit. */
async function startCallback(): Promise<{ url: string; hits: URL[]; server: Server }> {
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url);
    const error = url.searchParams.get('error');
    res.writeHead(error ? 400 : 200, { 'content-type': 'text/plain' });
    res.end(error ? `login failed: ${error}` : 'login complete, you may close this window');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/callback`, hits, server };
}

/** An in-memory OAuth client of the SDK: what a CLI would keep in a token store. */
class MemoryOAuthProvider implements OAuthClientProvider {
  readonly redirects: URL[] = [];
  readonly invalidated: string[] = [];
  client: OAuthClientInformationMixed | undefined;
  stored: OAuthTokens | undefined;
  #verifier = '';

  constructor(
    readonly redirectUrl: string,
    readonly tokenEndpointAuthMethod = 'none',
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'issuerFlow test',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.tokenEndpointAuthMethod,
    };
  }

  clientInformation() {
    return this.client;
  }

  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }

  tokens() {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.redirects.push(url);
  }

  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }

  codeVerifier() {
    return this.#verifier;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'client') this.client = undefined;
  }

  /** The last authorization URL it was sent to. */
  lastRedirect(): URL {
    const url = this.redirects.at(-1);
    if (!url) throw new Error('never redirected to authorization');
    return url;
  }

  /** The claims of its current access token. */
  claims(): Record<string, unknown> {
    if (!this.stored) throw new Error('no tokens');
    return decodeJwt(this.stored.access_token);
  }
}

interface Setup extends AsyncDisposable {
  issuer: Issuer;
  backend: ProtectedBackend;
  callback: Awaited<ReturnType<typeof startCallback>>;
}

async function setup(
  options: { accessTokenTtlSec?: number; backendScopes?: string[] } = {},
): Promise<Setup> {
  const issuer = await startIssuer([], SCOPES, {
    authorizationCode:
      options.accessTokenTtlSec === undefined
        ? {}
        : { accessTokenTtlSec: options.accessTokenTtlSec },
  });
  const backend = await startProtectedBackend({
    issuer: issuer.url,
    scopes: options.backendScopes ?? SCOPES,
  });
  const callback = await startCallback();
  return {
    issuer,
    backend,
    callback,
    async [Symbol.asyncDispose]() {
      await backend.close();
      await issuer.close();
      await new Promise<void>((resolve) => {
        callback.server.close(() => resolve());
        callback.server.closeAllConnections();
      });
    },
  };
}

function connect(url: string, provider: MemoryOAuthProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  const client = new Client({ name: 'issuer-flow', version: '1.0.0' });
  return { client, transport, connected: client.connect(transport) };
}

async function whoami(client: Client): Promise<{ subject: string | null; session: string }> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  const [content] = result.content as Array<{ type: string; text: string }>;
  return JSON.parse(content!.text);
}

/**
 * Logs `account` in the way a CLI would: a first connection fails with UnauthorizedError after
 * sending the user to the issuer, the browser delivers the code to the loopback listener, the
 * transport exchanges it, and a second connection succeeds.
 */
async function login(
  s: Setup,
  account: string,
  provider = new MemoryOAuthProvider(s.callback.url),
): Promise<{ provider: MemoryOAuthProvider; client: Client }> {
  const first = connect(s.backend.url, provider);
  await expect(first.connected).rejects.toBeInstanceOf(UnauthorizedError);
  const authorization = provider.lastRedirect();
  expect(authorization.searchParams.get('resource')).toBe(s.backend.resource);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  const browsed = await browseAuthorization(authorization, account);
  expect(browsed.status).toBe(200);
  expect(browsed.callbackUrl.href.startsWith(String(provider.redirectUrl))).toBe(true);
  const code = browsed.callbackUrl.searchParams.get('code');
  expect(code).toBeTruthy();
  await first.transport.finishAuth(code!);
  await first.client.close();
  const second = connect(s.backend.url, provider);
  await second.connected;
  return { provider, client: second.client };
}

describe('OAuth client infrastructure: oidc-provider, a protected backend, a scripted browser', () => {
  it('logs a user in by DCR + authorization code + PKCE, and the backend sees who', async () => {
    await using s = await setup();
    const { provider, client } = await login(s, 'alice');
    expect(s.issuer.registrations).toBe(1);
    expect(provider.client?.client_id).toBeTruthy();
    expect(provider.stored?.refresh_token).toBeTruthy();
    const claims = provider.claims();
    expect(claims).toMatchObject({ sub: 'alice', aud: s.backend.resource, iss: s.issuer.url });
    expect(String(claims.scope).split(' ').sort()).toEqual(SCOPES);
    expect((await whoami(client)).subject).toBe('alice');
    expect(s.backend.subjects()).toContain('alice');
    expect(new Set(s.backend.subjects())).toEqual(new Set(['alice']));
    expect(s.backend.sessions()).toBe(1);
    await client.close();
  });

  it('gives two accounts their own tokens', async () => {
    await using s = await setup();
    const alice = await login(s, 'alice');
    const bob = await login(s, 'bob');
    expect(s.issuer.registrations).toBe(2);
    expect(alice.provider.claims().sub).toBe('alice');
    expect(bob.provider.claims().sub).toBe('bob');
    expect(alice.provider.stored?.access_token).not.toBe(bob.provider.stored?.access_token);
    expect((await whoami(alice.client)).subject).toBe('alice');
    expect((await whoami(bob.client)).subject).toBe('bob');
    expect(new Set(s.backend.subjects())).toEqual(new Set(['alice', 'bob']));
    await alice.client.close();
    await bob.client.close();
  });

  it('registers a confidential client with a localhost redirect URI as well', async () => {
    await using s = await setup();
    const redirect = s.callback.url.replace('127.0.0.1', 'localhost');
    const { provider, client } = await login(
      s,
      'carol',
      new MemoryOAuthProvider(redirect, 'client_secret_basic'),
    );
    expect(provider.client).toMatchObject({ client_secret: expect.any(String) });
    expect((await whoami(client)).subject).toBe('carol');
    await client.close();
  });

  it('delivers access_denied to the redirect URI when the user denies', async () => {
    await using s = await setup();
    const provider = new MemoryOAuthProvider(s.callback.url);
    const first = connect(s.backend.url, provider);
    await expect(first.connected).rejects.toBeInstanceOf(UnauthorizedError);
    const browsed = await browseAuthorization(provider.lastRedirect(), 'alice', { deny: true });
    expect(browsed.callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(browsed.callbackUrl.searchParams.get('code')).toBeNull();
    expect(browsed.status).toBe(400);
    expect(browsed.body).toContain('access_denied');
    expect(s.callback.hits).toHaveLength(1);
    expect(s.backend.subjects()).toEqual([]);
  });

  it('makes the browser fail clearly, naming the URL, on an issuer error page', async () => {
    await using s = await setup();
    const bogus = new URL('/auth', s.issuer.url);
    bogus.search = new URLSearchParams({
      client_id: 'no-such-client',
      response_type: 'code',
      redirect_uri: s.callback.url,
    }).toString();
    await expect(browseAuthorization(bogus, 'alice')).rejects.toThrow(
      /The issuer answered GET http:\/\/127\.0\.0\.1:\d+\/auth\?client_id=no-such-client.* with 400, not a redirect: .*invalid_client/s,
    );
    expect(s.callback.hits).toHaveLength(0);
  });

  it('refreshes an expired access token without the browser, until the refresh token is revoked', async () => {
    await using s = await setup({ accessTokenTtlSec: 2 });
    const { provider, client } = await login(s, 'alice');
    const before = provider.stored!;
    const redirects = provider.redirects.length;
    const expiry = Number(provider.claims().exp);
    await waitFor(() => Date.now() / 1000 > expiry + 0.5, {
      timeoutMs: 6_000,
      intervalMs: 100,
      what: 'the first access token to expire',
    });
    // The backend now refuses the token; the transport refreshes it and retries.
    expect((await whoami(client)).subject).toBe('alice');
    const after = provider.stored!;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).toBeTruthy();
    expect(after.refresh_token).not.toBe(before.refresh_token); // rotated: a public client
    expect(provider.redirects).toHaveLength(redirects);
    expect(provider.claims().sub).toBe('alice');

    // `auth()` itself refreshes too, with no browser.
    await expect(auth(provider, { serverUrl: s.backend.url })).resolves.toBe('AUTHORIZED');
    expect(provider.redirects).toHaveLength(redirects);

    // Revoked server-side, by the value the client holds: the next refresh fails (invalid_grant),
    // the SDK drops the tokens and sends the user to the issuer again.
    await expect(s.issuer.revokeRefreshTokens('no-such-token')).resolves.toBe(0);
    await expect(s.issuer.revokeRefreshTokens(provider.stored!.refresh_token!)).resolves.toBe(1);
    const lastExpiry = Number(provider.claims().exp);
    await waitFor(() => Date.now() / 1000 > lastExpiry + 0.5, {
      timeoutMs: 6_000,
      intervalMs: 100,
      what: 'the refreshed access token to expire',
    });
    await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(provider.invalidated).toContain('tokens');
    expect(provider.redirects).toHaveLength(redirects + 1);
    await client.close();
  });

  it('revokes every refresh token at once', async () => {
    await using s = await setup();
    const alice = await login(s, 'alice');
    const bob = await login(s, 'bob');
    await expect(s.issuer.revokeRefreshTokens()).resolves.toBe(2);
    await expect(s.issuer.revokeRefreshTokens()).resolves.toBe(0);
    for (const { provider } of [alice, bob]) {
      const redirects = provider.redirects.length;
      await expect(auth(provider, { serverUrl: s.backend.url })).resolves.toBe('REDIRECT');
      expect(provider.invalidated).toContain('tokens');
      expect(provider.redirects).toHaveLength(redirects + 1);
    }
    await alice.client.close();
    await bob.client.close();
  });

  it('answers 403 insufficient_scope naming a raised scope, and a step-up login obtains it', async () => {
    await using s = await setup({ backendScopes: ['mcp:read'] });
    const { provider, client } = await login(s, 'alice');
    expect(provider.claims().scope).toBe('mcp:read');
    s.backend.requireScopes(['mcp:read', 'mcp:write']);

    const refused = await fetch(s.backend.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.stored!.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp:read mcp:write"');
    expect(challenge).toContain(`resource_metadata="${s.backend.resourceMetadataUrl}"`);
    await client.close();

    // Step-up: a new authorization asking for the larger scope (the client registered with
    // `mcp:read` only) gets it.
    provider.invalidateCredentials('tokens');
    const scope = 'mcp:read mcp:write';
    await expect(auth(provider, { serverUrl: s.backend.url, scope })).resolves.toBe('REDIRECT');
    expect(provider.lastRedirect().searchParams.get('scope')).toBe(scope);
    const browsed = await browseAuthorization(provider.lastRedirect(), 'alice');
    const code = browsed.callbackUrl.searchParams.get('code')!;
    await expect(
      auth(provider, { serverUrl: s.backend.url, authorizationCode: code }),
    ).resolves.toBe('AUTHORIZED');
    expect(String(provider.claims().scope).split(' ').sort()).toEqual(SCOPES);
    const upgraded = connect(s.backend.url, provider);
    await upgraded.connected;
    expect((await whoami(upgraded.client)).subject).toBe('alice');
    await upgraded.client.close();
  });

  it('serves RFC 9728 metadata and challenges a request without a token', async () => {
    await using s = await setup();
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const metadata = await (await fetch(new URL(path, s.backend.url))).json();
      expect(metadata).toMatchObject({
        resource: s.backend.resource,
        authorization_servers: [s.issuer.url],
        scopes_supported: SCOPES,
      });
    }
    const res = await fetch(s.backend.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      new RegExp(`^Bearer .*resource_metadata="${s.backend.resourceMetadataUrl}"`),
    );
    // A token for another resource is refused, too.
    const other = await startProtectedBackend({ issuer: s.issuer.url, scopes: SCOPES });
    try {
      const { provider, client } = await login(s, 'alice');
      const wrong = await fetch(other.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${provider.stored!.access_token}` },
      });
      expect(wrong.status).toBe(401);
      await client.close();
    } finally {
      await other.close();
    }
  });
});
