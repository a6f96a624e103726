import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ElicitationCompleteNotificationSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { BackendSignIn, createProxy, FileTokenStore, OAuthFront, serveHttp } from '@org/proxy';
import {
  browseAuthorization,
  closedPort,
  type Issuer,
  startIssuer,
  startProtectedBackend,
  waitFor,
  within,
} from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliProcess';
import { frontHttp } from '../fixtures/fronts';
import { RESOURCE } from '../policy/oauthFront';
import { Cleanup } from '../reliability/fixtures/harness';

// Promise: a caller of an OAuth front with no grant for an OAuth backend is offered the
// sign-in in band: its request fails with a URL elicitation (-32042) whose link first signs
// the browser in at the front's authorization server (real oidc-provider) and goes on only for
// the caller the link was made for, then signs in at the backend's; the grant is the caller's,
// the client session is told (elicitation/complete), and the retried call works. A link opened
// by another user is refused and plants nothing; a client without URL elicitation gets the
// plain error naming the command.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The front's authorization server (clients `callers`), the backend's, and the backend. */
async function servers(callers: readonly string[]) {
  const frontIssuer = cleanup.add(
    await startIssuer(callers, ['mcp:tools'], { authorizationCode: {} }),
    (i) => i.close(),
  );
  const backendIssuer = cleanup.add(
    await startIssuer([], ['mcp:tools'], { authorizationCode: {} }),
    (i) => i.close(),
  );
  const backend = cleanup.add(
    await startProtectedBackend({ issuer: backendIssuer.url, scopes: ['mcp:tools'] }),
    (b) => b.close(),
  );
  return { frontIssuer, backend };
}

async function start() {
  const { frontIssuer, backend } = await servers(['alice', 'bob', 'carol']);
  const storeFile = join(mkdtempSync(join(tmpdir(), 'in-band-')), 'grants.json');
  const frontOptions = { resource: RESOURCE, authorizationServers: [frontIssuer.url] };
  let origin = '';
  const signIn = new BackendSignIn({
    publicUrl: () => origin,
    front: {
      resource: RESOURCE,
      authorizationServer: frontIssuer.url,
      verifyToken: (token) => new OAuthFront(frontOptions, '/mcp').verifyToken(token),
      scopes: ['mcp:tools'],
    },
  });
  const proxy = cleanup.add(
    createProxy(
      { mcpServers: { ws: { url: backend.url, oauth: { token_store: storeFile } } } },
      { backendSignIn: signIn },
    ),
    (p) => p.close(),
  );
  const http = cleanup.add(
    await serveHttp(proxy, {
      host: '127.0.0.1',
      port: 0,
      oauth: frontOptions,
      routes: signIn.routes,
    }),
    (h) => h.close(),
  );
  origin = new URL(http.url).origin;
  return { frontIssuer, backend, storeFile, url: http.url };
}

interface Caller {
  client: Client;
  completed: string[];
}

/** A client of the front at `url` as `who`, with a token for `resource` (the front's). */
async function caller(
  url: string,
  issuer: Issuer,
  who: string,
  urlMode = true,
  resource = RESOURCE,
): Promise<Caller> {
  const token = await issuer.token(who, resource);
  const completed: string[] = [];
  const front = await within(
    frontHttp(
      url,
      urlMode ? { capabilities: { elicitation: { url: {} } } } : {},
      who,
      (client) =>
        client.setNotificationHandler(ElicitationCompleteNotificationSchema, (note) => {
          completed.push(note.params.elicitationId);
        }),
      { authorization: `Bearer ${token}` },
    ),
    15_000,
    `${who} to connect`,
  );
  cleanup.add(front, (f) => f.close());
  return { client: front.client, completed };
}

async function whoami(client: Client): Promise<unknown> {
  const result = (await client.callTool({ name: 'whoami' })) as {
    content: Array<{ text?: string }>;
    isError?: boolean;
  };
  const text = result.content.map((c) => c.text ?? '').join('');
  if (result.isError) throw new Error(text);
  return JSON.parse(text);
}

async function elicitationOf(
  call: Promise<unknown>,
): Promise<{ url: string; elicitationId: string }> {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(McpError);
  expect((error as McpError).code).toBe(-32042);
  const data = (error as McpError).data as {
    elicitations: Array<{ mode: string; url: string; elicitationId: string }>;
  };
  expect(data.elicitations).toHaveLength(1);
  expect(data.elicitations[0]!.mode).toBe('url');
  return data.elicitations[0]!;
}

/** Opens a sign-in link as `frontAccount`, signing in at the backend as `backendAccount`. */
async function openLink(link: string, frontAccount: string, backendAccount?: string) {
  const first = await fetch(link, { redirect: 'manual' });
  expect(first.status).toBe(302);
  const afterFront = await browseAuthorization(first.headers.get('location')!, frontAccount);
  if (backendAccount === undefined || afterFront.status !== 302) return afterFront;
  return browseAuthorization(afterFront.location!, backendAccount);
}

describe('signing a caller in to an OAuth backend in band (URL elicitation)', () => {
  it('offers the link, checks who opens it, stores the caller’s grant and tells the session', async () => {
    const { frontIssuer, backend, storeFile, url } = await start();
    const [bob, carol] = await Promise.all([
      caller(url, frontIssuer, 'bob'),
      caller(url, frontIssuer, 'carol'),
    ]);
    const offer = await elicitationOf(whoami(bob.client));
    expect(offer.url.startsWith(`${new URL(url).origin}/oauth/connect/`)).toBe(true);
    expect(backend.subjects()).toEqual([]);

    const done = await openLink(offer.url, 'bob', 'bob-at-backend');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Signed in to ws');
    await waitFor(() => bob.completed.includes(offer.elicitationId), { timeoutMs: 5000 });
    expect(await whoami(bob.client)).toMatchObject({ subject: 'bob-at-backend' });

    // carol is still not signed in: her own link, her own grant.
    const carolOffer = await elicitationOf(whoami(carol.client));
    expect(carolOffer.elicitationId).not.toBe(offer.elicitationId);
    await openLink(carolOffer.url, 'carol', 'carol-at-backend');
    const [bobSees, carolSees] = await Promise.all([whoami(bob.client), whoami(carol.client)]);
    expect(bobSees).toMatchObject({ subject: 'bob-at-backend' });
    expect(carolSees).toMatchObject({ subject: 'carol-at-backend' });
    const principals = (await new FileTokenStore(storeFile).list()).map((e) => e.key.principal);
    expect(principals.sort()).toEqual(['bob', 'carol']);

    // A link is good once.
    const again = await fetch(offer.url, { redirect: 'manual' });
    expect(again.status).toBe(410);
  });

  it('refuses a link opened by another user, and plants no grant', async () => {
    const { frontIssuer, backend, storeFile, url } = await start();
    const alice = await caller(url, frontIssuer, 'alice');
    const offer = await elicitationOf(whoami(alice.client));
    // bob opens alice's link (sent to him, say): he signs in at the front as himself.
    const refused = await openLink(offer.url, 'bob', 'bob-at-backend');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('This sign-in link was made for another user');
    expect(await new FileTokenStore(storeFile).list()).toEqual([]);
    expect(backend.subjects()).toEqual([]);
    // alice's link is spent; her next request gets a new one.
    await expect(whoami(alice.client)).rejects.toBeInstanceOf(McpError);
  });

  it('gives a client without URL elicitation the plain error naming the command', async () => {
    const { frontIssuer, url } = await start();
    const plain = await caller(url, frontIssuer, 'alice', false);
    await expect(whoami(plain.client)).rejects.toThrow(
      /Backend ws needs an OAuth sign-in for caller "alice" \(no grant is stored\): run `org-mcp-proxy login/,
    );
  });
});

describe('signing a caller in to an OAuth backend in band, through the CLI', () => {
  it('offers the link on the front the config names, and the retried call works', async () => {
    const { frontIssuer, backend } = await servers(['dana']);
    const dir = mkdtempSync(join(tmpdir(), 'in-band-cli-'));
    const port = await closedPort();
    const resource = `http://127.0.0.1:${port}/mcp`;
    const configFile = join(dir, 'mcp.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        mcpServers: { ws: { url: backend.url, oauth: { token_store: 'grants.json' } } },
        front: { oauth: { issuers: [frontIssuer.url], resource, scopes: ['mcp:tools'] } },
      }),
    );
    const cli = cleanup.add(
      startCli([configFile, '--transport', 'http', '--port', String(port)]),
      (c) => c.stop(),
    );
    await cli.waitForStderr(/Proxy listening on/, 20_000);
    const dana = await caller(resource, frontIssuer, 'dana', true, resource);
    const offer = await elicitationOf(whoami(dana.client));
    expect(offer.url.startsWith(`http://127.0.0.1:${port}/oauth/connect/`)).toBe(true);
    const done = await openLink(offer.url, 'dana', 'dana-at-backend');
    expect(done.status).toBe(200);
    await waitFor(() => dana.completed.includes(offer.elicitationId), { timeoutMs: 5000 });
    expect(await whoami(dana.client)).toMatchObject({ subject: 'dana-at-backend' });
    const stored = await new FileTokenStore(join(dir, 'grants.json')).list();
    expect(stored.map((entry) => entry.key.principal)).toEqual(['dana']);
  });
});
