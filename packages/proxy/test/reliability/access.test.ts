import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CreateProxyOptions,
  createProxy,
  defineTool,
  ProviderServer,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { hasStackTrace, startCli } from '../cli/cliProcess';
import { demoBackend } from '../fixtures/demoBackend';
import {
  Cleanup,
  echoTarget,
  failureOf,
  initializeBody,
  POST_HEADERS,
  rawRequest,
  recordingLogger,
} from './fixtures/harness';
import { WireRecorder } from './fixtures/wireRecorder';

// Promise: with an auth token, a request without it gets 401 and reaches nothing (no session,
// no backend contacted); a foreign Host or Origin gets 403; a client's Authorization header and
// cookies never reach a backend unless named in forwardHeaders, named headers do; secrets of a
// config (env values, header values, tokens) never appear in logs or error messages.

const FRONT_TOKEN = 'front-token-5be1c0d2';
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A proxy of a recorded HTTP backend, served over HTTP. */
async function guardedProxy(options: CreateProxyOptions = {}, authToken?: string) {
  const server = cleanup.add(demoBackend('inner'), (s) => s.close());
  server.add(defineTool({ name: 'noop', handler: () => 'ok' }));
  const backend = new WireRecorder(server);
  const backendHttp = cleanup.add(await serveHttp(backend), (h) => h.close());
  const proxy = cleanup.add(createProxy(backendHttp.url, options), (p) => p.close());
  const http = cleanup.add(await serveHttp(proxy, authToken ? { authToken } : {}), (h) =>
    h.close(),
  );
  return { backend, http };
}

/** An SDK client sending `headers` with every request. */
async function clientWith(url: string, headers: Record<string, string>): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'front', version: '1.0.0' });
  await client.connect(transport);
  cleanup.add(client, async (c) => {
    await transport.terminateSession().catch(() => {});
    await c.close();
  });
  return client;
}

describe('bearer token', () => {
  it('a request without the right token gets 401 and reaches nothing', async () => {
    const { backend, http } = await guardedProxy({}, FRONT_TOKEN);
    const sse = new URL('/sse', http.url).href;
    const messages = new URL('/messages?sessionId=x', http.url).href;
    const attempts: Array<[string, string, Record<string, string>]> = [
      [http.url, 'POST', {}],
      [http.url, 'POST', { authorization: 'Bearer wrong-token-5be1c0d2' }],
      [http.url, 'POST', { authorization: `Bearer ${FRONT_TOKEN}x` }],
      [
        http.url,
        'POST',
        { authorization: `Basic ${Buffer.from(`u:${FRONT_TOKEN}`).toString('base64')}` },
      ],
      [http.url, 'POST', { authorization: FRONT_TOKEN }],
      [http.url, 'GET', {}],
      [http.url, 'DELETE', {}],
      [sse, 'GET', {}],
      [messages, 'POST', {}],
    ];
    for (const [url, method, headers] of attempts) {
      const answer = await rawRequest(url, {
        method,
        headers: { ...POST_HEADERS, ...headers },
        ...(method === 'POST' ? { body: initializeBody() } : {}),
      });
      expect(answer.status, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.headers['mcp-session-id']).toBeUndefined();
    }
    expect(http.sessionCount()).toBe(0);
    expect(backend.opened).toBe(0);
    expect(backend.received).toEqual([]);
    // The right token gets through (and only then is the backend contacted).
    const client = await clientWith(http.url, { authorization: `Bearer ${FRONT_TOKEN}` });
    await client.callTool({ name: 'noop', arguments: {} });
    expect(backend.opened).toBe(1);
  });
});

describe('DNS rebinding protection', () => {
  it.each<[string, Record<string, string>]>([
    ['a foreign Host', { host: 'evil.example' }],
    ['a Host that only starts like loopback', { host: '127.0.0.1.evil.example' }],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['an Origin that only starts like loopback', { origin: 'http://localhost.evil.example' }],
    ['an opaque Origin', { origin: 'null' }],
  ])('%s gets 403, even with the right token, and reaches nothing', async (_case, headers) => {
    const { backend, http } = await guardedProxy({}, FRONT_TOKEN);
    const answer = await rawRequest(http.url, {
      headers: { ...POST_HEADERS, authorization: `Bearer ${FRONT_TOKEN}`, ...headers },
      body: initializeBody(),
    });
    expect(answer.status).toBe(403);
    expect(http.sessionCount()).toBe(0);
    expect(backend.opened).toBe(0);
  });

  it('a loopback Origin is accepted', async () => {
    const { http } = await guardedProxy();
    const answer = await rawRequest(http.url, {
      headers: { ...POST_HEADERS, origin: `http://localhost:${http.port}` },
      body: initializeBody(),
    });
    expect(answer.status).toBe(200);
  });
});

describe('headers of client requests', () => {
  const sent = {
    authorization: `Bearer ${FRONT_TOKEN}`,
    cookie: 'session=front-cookie-77aa',
    'x-tenant': 'tenant-1',
  };

  /** Every header any request to the backend carried, lowercased names. */
  async function backendHeaders(options: CreateProxyOptions) {
    const { backend, http } = await guardedProxy(options, FRONT_TOKEN);
    const client = await clientWith(http.url, sent);
    await client.listTools();
    await client.callTool({ name: 'noop', arguments: {} });
    expect(backend.received.length).toBeGreaterThan(2);
    return backend.received.map((message) => message.headers ?? {});
  }

  it('Authorization and cookies never reach a backend unless named', async () => {
    for (const headers of await backendHeaders({})) {
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      expect(headers['x-tenant']).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(FRONT_TOKEN);
    }
  });

  it('named headers are forwarded, and only those', async () => {
    for (const headers of await backendHeaders({ forwardHeaders: ['x-tenant'] })) {
      expect(headers['x-tenant']).toBe('tenant-1');
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
    }
    const named = await backendHeaders({ forwardHeaders: ['Authorization', 'cookie'] });
    for (const headers of named) {
      expect(headers.authorization).toBe(`Bearer ${FRONT_TOKEN}`);
      expect(headers.cookie).toBe('session=front-cookie-77aa');
    }
  });
});

const SECRETS = {
  env: 'env-secret-0a9f3e',
  header: 'header-secret-4c1d77',
  auth: 'auth-secret-b2e8a1',
  missingEnv: 'missing-env-secret-5d0c',
};

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

/**
 * A config whose servers carry secrets and mostly fail: every failure path gets logged. The
 * `ghost` server's command does not exist, or, for the CLI (which refuses such a config at
 * start-up, see badConfig.test.ts), exits at once.
 */
async function secretConfig(forCli = false) {
  const guarded = cleanup.add(new ProviderServer({ name: 'guarded' }), (s) => s.close());
  const guardedHttp = cleanup.add(await serveHttp(guarded, { authToken: 'the-real-token' }), (h) =>
    h.close(),
  );
  const echo = echoTarget();
  return {
    mcpServers: {
      echo: { command: echo.command, args: echo.args, env: { API_KEY: SECRETS.env } },
      remote: {
        url: `${guardedHttp.url}?token=${SECRETS.header}`,
        headers: { Authorization: `Bearer ${SECRETS.header}`, 'X-Api-Key': SECRETS.header },
      },
      authed: { url: `http://user:${SECRETS.auth}@127.0.0.1:1/mcp`, auth: SECRETS.auth },
      ghost: {
        ...(forCli
          ? { command: process.execPath, args: ['-e', 'process.exit(3)'] }
          : { command: '/nonexistent/ghost-server' }),
        env: { TOKEN: SECRETS.missingEnv },
      },
    },
  };
}

describe('secrets of a config', () => {
  it('never appear in logs (debug level included) or in errors the client sees', async () => {
    const logger = recordingLogger();
    const proxy = cleanup.add(
      createProxy(await secretConfig(), { logger, connector: { logger } }),
      (p) => p.close(),
    );
    const http = cleanup.add(await serveHttp(proxy, { logger }), (h) => h.close());
    const client = await clientWith(http.url, {});
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toContain('echo_echo');
    const failures = await Promise.all([
      failureOf(client.callTool({ name: 'remote_anything', arguments: {} })),
      failureOf(client.callTool({ name: 'ghost_anything', arguments: {} })),
      failureOf(client.callTool({ name: 'authed_anything', arguments: {} })),
      failureOf(client.readResource({ uri: 'data://remote/x' })),
    ]);
    // The failures were logged, at every level, and named the servers.
    const logged = logger.all();
    expect(logged).toMatch(/\[warn\].*remote/);
    expect(logged).toMatch(/\[warn\].*ghost/);
    expect(logged).toMatch(/\[debug\]/);
    expectNoSecret(logged);
    for (const failure of failures) expectNoSecret(failure);
  });

  it('never appear in the CLI’s output at --log-level debug', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reliability-secrets-'));
    cleanup.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
    const file = path.join(dir, 'mcp.json');
    writeFileSync(file, JSON.stringify(await secretConfig(true)));
    const cli = startCli([
      file,
      '--transport',
      'http',
      '--log-level',
      'debug',
      '--auth-token',
      FRONT_TOKEN,
    ]);
    cleanup.add(cli, (c) => c.stop());
    const [, url] = await cli.waitForStderr(/Proxy listening on (\S+)/);
    const client = await clientWith(url!, { authorization: `Bearer ${FRONT_TOKEN}` });
    await client.listTools();
    const failure = await failureOf(client.callTool({ name: 'remote_anything', arguments: {} }));
    expectNoSecret(failure);
    await cli.stop();
    const stderr = cli.stderr();
    expect(stderr).toContain('[debug]');
    expect(stderr).toMatch(/remote/);
    expect(stderr).not.toContain(FRONT_TOKEN);
    expectNoSecret(stderr);
    expect(hasStackTrace(stderr)).toBe(false);
  });
});
