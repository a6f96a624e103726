import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createProxy, FileTokenStore, loginBackend } from '@org/proxy';
import {
  browseAuthorization,
  type Issuer,
  type ProtectedBackend,
  startIssuer,
  startProtectedBackend,
  waitFor,
} from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { frontInMemory } from '../fixtures/fronts';
import { connectAs, serveOAuthFront } from '../policy/oauthFront';
import { Cleanup } from '../reliability/fixtures/harness';

// Promise: a stored grant is kept alive by the running proxy (refreshed before it expires,
// without a browser); a grant the authorization server revoked, or a backend asking for more
// scope (step-up), gives an error naming the backend, the reason and the command to run, and
// the next sign-in (asking for the larger scope by itself) repairs it. Behind an OAuth front,
// each caller uses its own grant: a caller without one is told to sign in and never gets
// another caller's token, not even on a shared backend session.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface World {
  issuer: Issuer;
  backend: ProtectedBackend;
  storeFile: string;
  config: { mcpServers: { ws: { url: string; oauth: { token_store: string } } } };
}

async function world(accessTokenTtlSec?: number): Promise<World> {
  const issuer = cleanup.add(
    await startIssuer([], ['mcp:tools', 'mcp:admin'], {
      authorizationCode: accessTokenTtlSec ? { accessTokenTtlSec } : {},
    }),
    (i) => i.close(),
  );
  const backend = cleanup.add(
    await startProtectedBackend({ issuer: issuer.url, scopes: ['mcp:tools'] }),
    (b) => b.close(),
  );
  const storeFile = join(mkdtempSync(join(tmpdir(), 'backend-grants-')), 'grants.json');
  const config = { mcpServers: { ws: { url: backend.url, oauth: { token_store: storeFile } } } };
  return { issuer, backend, storeFile, config };
}

/** Signs `account` in at the backend's authorization server, for `principal` when given. */
async function signIn(w: World, account: string, principal?: string): Promise<void> {
  await loginBackend(
    { name: 'ws', url: w.backend.url, oauth: { store: new FileTokenStore(w.storeFile) } },
    {
      ...(principal ? { principal } : {}),
      onAuthorizationUrl: async (url) => {
        // The browser is driven once the listener waits; not awaited here, as a user would.
        void browseAuthorization(url, account);
      },
    },
  );
}

async function whoami(client: Client): Promise<{ subject?: string; error?: string }> {
  try {
    const result = (await client.callTool({ name: 'whoami' })) as {
      content: Array<{ text?: string }>;
      isError?: boolean;
    };
    const text = result.content.map((c) => c.text ?? '').join('');
    return result.isError ? { error: text } : (JSON.parse(text) as { subject: string });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function storedTokens(storeFile: string, principal?: string) {
  const record = await new FileTokenStore(storeFile).read({
    url: (await new FileTokenStore(storeFile).list())[0]!.key.url,
    ...(principal ? { principal } : {}),
  });
  return record;
}

describe('a stored OAuth grant, kept by the running proxy', () => {
  it('is refreshed before it expires, and a revoked one asks for a new sign-in', async () => {
    const w = await world(2);
    await signIn(w, 'alice');
    const proxy = cleanup.add(createProxy(w.config), (p) => p.close());
    const front = cleanup.add(await frontInMemory(proxy), (f) => f.close());
    expect(await whoami(front.client)).toMatchObject({ subject: 'alice' });
    const first = await storedTokens(w.storeFile);

    // Past its expiry, the next call still works: the proxy refreshed, no browser involved.
    await waitFor(() => Date.now() > (first?.expiresAt ?? 0), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(await whoami(front.client)).toMatchObject({ subject: 'alice' });
    const second = await storedTokens(w.storeFile);
    expect(second?.tokens?.access_token).not.toBe(first?.tokens?.access_token);
    expect(second?.tokens?.refresh_token).not.toBe(first?.tokens?.refresh_token);
    expect(w.backend.subjects().every((subject) => subject === 'alice')).toBe(true);

    // An administrator revokes the grant: once the access token runs out, a clear error.
    expect(await w.issuer.revokeRefreshTokens()).toBeGreaterThan(0);
    await waitFor(() => Date.now() > (second?.expiresAt ?? 0), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const refused = await whoami(front.client);
    expect(refused.error).toContain(
      'Backend ws needs an OAuth sign-in (the authorization server refused the stored grant)',
    );
    expect(refused.error).toContain('org-mcp-proxy login');
    expect((await storedTokens(w.storeFile))?.tokens).toBeUndefined();

    // Signing in again repairs it, in the same proxy and the same front session.
    await signIn(w, 'alice');
    expect(await whoami(front.client)).toMatchObject({ subject: 'alice' });
  });

  it('turns a step-up (insufficient_scope) into a sign-in for the larger scope', async () => {
    const w = await world();
    await signIn(w, 'alice');
    const proxy = cleanup.add(createProxy(w.config), (p) => p.close());
    const front = cleanup.add(await frontInMemory(proxy), (f) => f.close());
    expect(await whoami(front.client)).toMatchObject({ subject: 'alice' });

    w.backend.requireScopes(['mcp:tools', 'mcp:admin']);
    const refused = await whoami(front.client);
    expect(refused.error).toContain(
      'Backend ws needs an OAuth sign-in (it asks for scope "mcp:tools mcp:admin")',
    );
    expect((await storedTokens(w.storeFile))?.neededScope).toBe('mcp:tools mcp:admin');

    // The next sign-in asks for the scope the backend named, unasked.
    await signIn(w, 'alice');
    const record = await storedTokens(w.storeFile);
    expect(record?.tokens?.scope?.split(' ').sort()).toEqual(['mcp:admin', 'mcp:tools']);
    expect(record?.neededScope).toBeUndefined();
    expect(await whoami(front.client)).toMatchObject({ subject: 'alice' });
  });
});

describe('OAuth grants per caller behind an OAuth front', () => {
  async function fronted(strategy?: 'shared') {
    const w = await world();
    const front = cleanup.add(await startIssuer(['alice', 'bob'], ['mcp:tools']), (i) => i.close());
    const proxy = cleanup.add(createProxy(w.config, strategy ? { strategy } : {}), (p) =>
      p.close(),
    );
    const url = await serveOAuthFront(proxy, front, cleanup);
    return { w, front, url };
  }

  it('uses each caller’s own grant, and tells a caller without one how to sign in', async () => {
    const { w, front, url } = await fronted();
    await signIn(w, 'alice-at-backend', 'alice');
    // The proxy's own grant exists too: an OAuth caller never falls back to it.
    await signIn(w, 'operator');
    const alice = await connectAs(url, front, cleanup, 'alice');
    expect(await whoami(alice.client)).toMatchObject({ subject: 'alice-at-backend' });
    // bob gets a session (initialize does not need his grant); his call says how to sign in.
    const bob = await connectAs(url, front, cleanup, 'bob');
    const refused = await whoami(bob.client);
    expect(refused.error).toContain(
      'Backend ws needs an OAuth sign-in for caller "bob" (no grant is stored)',
    );
    expect(refused.error).toContain('--principal "bob"');
    expect(w.backend.subjects()).not.toContain('operator');

    // Once he signed in, the same session works with his own grant.
    await signIn(w, 'bob-at-backend', 'bob');
    const [aliceSees, bobSees] = await Promise.all([whoami(alice.client), whoami(bob.client)]);
    expect(aliceSees).toMatchObject({ subject: 'alice-at-backend' });
    expect(bobSees).toMatchObject({ subject: 'bob-at-backend' });
    expect(new Set(w.backend.subjects())).toEqual(new Set(['alice-at-backend', 'bob-at-backend']));
  });

  it('refuses a second caller on a shared backend session rather than lend it the first one’s grant', async () => {
    const { w, front, url } = await fronted('shared');
    await signIn(w, 'alice-at-backend', 'alice');
    await signIn(w, 'bob-at-backend', 'bob');
    const alice = await connectAs(url, front, cleanup, 'alice');
    expect(await whoami(alice.client)).toMatchObject({ subject: 'alice-at-backend' });
    const bob = await connectAs(url, front, cleanup, 'bob');
    const refused = await whoami(bob.client);
    expect(refused.error).toContain('this backend session belongs to another caller');
    expect(w.backend.subjects()).not.toContain('bob-at-backend');
  });
});
