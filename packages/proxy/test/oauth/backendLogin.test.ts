// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config text, not a template
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  browseAuthorization,
  closedPort,
  type Issuer,
  type ProtectedBackend,
  startIssuer,
  startProtectedBackend,
  startWatched,
  type WatchedProcess,
  within,
} from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, requireBuiltCli, startCli } from '../cli/cliProcess';
import { frontHttp } from '../fixtures/fronts';
import { Cleanup } from '../reliability/fixtures/harness';

// Promise: a remote server that requires OAuth is signed in to with `org-mcp-proxy login`,
// the way users run it: the authorization URL is printed, a real browser flow (oidc-provider,
// PKCE, dynamic client registration) comes back to the loopback listener, the grant is stored
// (0600) and the already running proxy uses it at once for every client; before that, and
// after `logout`, a call fails with an error naming the backend and the command to run, and
// the proxy keeps serving. `auth status` shows the grant without a secret.

const LISTENING = /Proxy listening on (http:\/\/\S+)/;
const AUTH_URL = /open this URL in a browser[^\n]*\n\n {2}(http\S+)/;

interface Setup {
  issuer: Issuer;
  backend: ProtectedBackend;
  dir: string;
  configFile: string;
  storeFile: string;
}

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function setup(): Promise<Setup> {
  const issuer = cleanup.add(
    await startIssuer([], ['mcp:tools', 'mcp:admin'], { authorizationCode: {} }),
    (i) => i.close(),
  );
  const backend = cleanup.add(
    await startProtectedBackend({ issuer: issuer.url, scopes: ['mcp:tools'] }),
    (b) => b.close(),
  );
  const dir = mkdtempSync(join(tmpdir(), 'backend-login-'));
  const configFile = join(dir, 'mcp.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      mcpServers: { ws: { url: backend.url, oauth: { token_store: 'grants.json' } } },
    }),
  );
  return { issuer, backend, dir, configFile, storeFile: join(dir, 'grants.json') };
}

/** Runs `org-mcp-proxy <args>` with stdout and stderr collected. */
function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): WatchedProcess {
  const child = startWatched(process.execPath, [requireBuiltCli(), ...args], {
    stdin: 'pipe',
    env,
  });
  cleanup.add(child, (c) => c.stop());
  return child;
}

async function finished(child: WatchedProcess): Promise<{ code: number | null; out: string }> {
  const exit = await child.waitForExit(30_000);
  return { code: exit.code, out: child.stdout() };
}

/** Signs `account` in through the CLI's `login`, as a user with a browser would. */
async function login(
  configFile: string,
  account: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const child = cli(['login', 'ws', '--config', configFile], env);
  const [, url] = await child.waitForStderr(AUTH_URL, 20_000);
  const browsed = await browseAuthorization(url!, account);
  expect(browsed.status).toBe(200);
  expect(browsed.body).toContain('Signed in to ws');
  const { code, out } = await finished(child);
  expect(code, child.stderr()).toBe(0);
  return out;
}

async function startProxy(
  configFile: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ proxy: CliProcess; url: string }> {
  const proxy = startCli([configFile, '--transport', 'http', '--port', '0'], {
    ...process.env,
    ...env,
  });
  cleanup.add(proxy, (p) => p.stop());
  const url = (await proxy.waitForStderr(LISTENING, 20_000))[1]!;
  return { proxy, url };
}

async function whoami(url: string, name: string): Promise<{ text: string; isError: boolean }> {
  let front: Awaited<ReturnType<typeof frontHttp>> | undefined;
  try {
    // With one backend the proxy's initialize asks the backend: a missing grant fails there.
    front = await within(frontHttp(url, {}, name), 15_000, `${name} to connect`);
    const result = (await front.client.callTool({ name: 'whoami' })) as {
      content: Array<{ text?: string }>;
      isError?: boolean;
    };
    return { text: result.content.map((c) => c.text ?? '').join(''), isError: !!result.isError };
  } catch (error) {
    return { text: (error as Error).message, isError: true };
  } finally {
    await front?.close();
  }
}

describe('OAuth sign-in to a backend, through the CLI', () => {
  it('signs in with login, serves every client with the grant, and forgets it at logout', async () => {
    const { issuer, backend, configFile, storeFile } = await setup();
    const { url } = await startProxy(configFile);

    // Before any sign-in: a clear error naming the backend and what to run; no token sent.
    const before = await whoami(url, 'early');
    expect(before.isError).toBe(true);
    expect(before.text).toContain('Backend ws needs an OAuth sign-in');
    expect(before.text).toContain(`org-mcp-proxy login ws --config ${configFile}`);
    expect(backend.subjects()).toEqual([]);

    const out = await login(configFile, 'alice');
    expect(out).toContain(`Signed in to ws, scope "mcp:tools"`);
    expect(out).toContain(`Stored in ${storeFile}`);
    expect(statSync(storeFile).mode & 0o777).toBe(0o600);
    expect(issuer.registrations).toBe(1);

    // The running proxy uses the grant at once, for two clients at the same time.
    const [first, second] = await Promise.all([whoami(url, 'one'), whoami(url, 'two')]);
    for (const answer of [first, second]) {
      expect(answer.isError, answer.text).toBe(false);
      expect(JSON.parse(answer.text)).toMatchObject({ subject: 'alice' });
    }
    expect(backend.sessions()).toBeGreaterThanOrEqual(2);

    // auth status: the grant, its scope and refresh token, never a token.
    const status = await finished(cli(['auth', 'status', '--config', configFile]));
    expect(status.code).toBe(0);
    expect(status.out).toContain(`Token store: ${storeFile}`);
    expect(status.out).toContain(`ws  ${backend.url}`);
    expect(status.out).toContain('principal: the proxy');
    expect(status.out).toMatch(/access: valid until \S+; refresh token: yes/);
    expect(status.out).toContain('scope: mcp:tools');
    const stored = JSON.parse(readFileSync(storeFile, 'utf8')) as {
      grants: Array<{ record: { tokens: { access_token: string; refresh_token: string } } }>;
    };
    const tokens = stored.grants[0]!.record.tokens;
    expect(status.out).not.toContain(tokens.access_token);
    expect(status.out).not.toContain(tokens.refresh_token);

    // logout: the grant is gone and revoked; the proxy asks for a sign-in again.
    const out2 = await finished(cli(['logout', 'ws', '--config', configFile]));
    expect(out2.code).toBe(0);
    expect(out2.out).toContain('Signed out of ws');
    expect(out2.out).toContain('1 token revoked at the authorization server.');
    expect(await issuer.revokeRefreshTokens(tokens.refresh_token)).toBe(0);
    const after = await whoami(url, 'late');
    expect(after.isError).toBe(true);
    expect(after.text).toContain('Backend ws needs an OAuth sign-in (no grant is stored)');
  });

  it('signs in as a client registered beforehand, with its secret from the environment', async () => {
    const { issuer, backend, dir } = await setup();
    const port = await closedPort();
    const redirect = `http://127.0.0.1:${port}/callback`;
    // The operator registers the proxy once (here by RFC 7591, as an admin would in a console).
    const registered = (await (
      await fetch(`${issuer.url}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [redirect],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      })
    ).json()) as { client_id: string; client_secret: string };
    expect(registered.client_secret).toBeTruthy();
    const configFile = join(dir, 'registered.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        mcpServers: {
          ws: {
            url: backend.url,
            oauth: {
              client_id: registered.client_id,
              client_secret: '${WS_OAUTH_SECRET}',
              redirect_port: port,
              scopes: ['mcp:tools'],
              token_store: 'registered-grants.json',
            },
          },
        },
      }),
    );
    const out = await login(configFile, 'erin', {
      ...process.env,
      WS_OAUTH_SECRET: registered.client_secret,
    });
    expect(out).toContain('Signed in to ws, scope "mcp:tools"');
    expect(issuer.registrations).toBe(1);
    const stored = JSON.parse(readFileSync(join(dir, 'registered-grants.json'), 'utf8')) as {
      grants: Array<{ record: Record<string, unknown> }>;
    };
    // The configured client is not copied into the store: its secret stays in the environment.
    expect(JSON.stringify(stored)).not.toContain(registered.client_secret);
    const { url } = await startProxy(configFile, { WS_OAUTH_SECRET: registered.client_secret });
    expect(JSON.parse((await whoami(url, 'one')).text)).toMatchObject({ subject: 'erin' });
  });

  it('refuses a sign-in the user denies, and one the browser never finishes, naming the backend', async () => {
    const { configFile, storeFile } = await setup();
    const denied = cli(['login', 'ws', '--config', configFile]);
    const [, url] = await denied.waitForStderr(AUTH_URL, 20_000);
    const browsed = await browseAuthorization(url!, 'alice', { deny: true });
    expect(browsed.status).toBe(400);
    const result = await finished(denied);
    expect(result.code).toBe(1);
    expect(denied.stderr()).toContain(
      'Sign-in to backend ws failed: the authorization server answered access_denied',
    );

    const abandoned = cli(['login', 'ws', '--config', configFile, '--timeout', '1']);
    await abandoned.waitForStderr(AUTH_URL, 20_000);
    const timedOut = await finished(abandoned);
    expect(timedOut.code).toBe(1);
    expect(abandoned.stderr()).toContain('Sign-in to backend ws timed out after 1000 ms');
    const status = await finished(cli(['auth', 'status', '--store', storeFile]));
    expect(status.out).not.toContain('refresh token: yes');
  });

  it('names what is wrong with a login command line', async () => {
    const { configFile } = await setup();
    const unknown = await finished(cli(['login', 'nope', '--config', configFile]));
    expect(unknown.code).toBe(2);
    const noUrl = cli(['login', 'not-a-url']);
    await finished(noUrl);
    expect(noUrl.stderr()).toContain('Not a URL: not-a-url');
    const plain = join(configFile, '..', 'plain.json');
    writeFileSync(plain, JSON.stringify({ mcpServers: { ws: { url: 'http://127.0.0.1:1/mcp' } } }));
    const noOauth = cli(['login', 'ws', '--config', plain]);
    await finished(noOauth);
    expect(noOauth.stderr()).toContain('Server ws in');
    expect(noOauth.stderr()).toContain('has no "oauth" block');
  });
});
