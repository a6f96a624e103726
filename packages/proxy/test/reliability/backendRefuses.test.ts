import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy, type HttpTarget, serveHttp } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBackend } from '../fixtures/demoBackend';
import { frontHttp } from '../fixtures/fronts';
import { Cleanup, failureOf, recordingLogger, textOf } from './fixtures/harness';

// Promise: a backend that cannot be reached (connection refused) or refuses (401, 500) gives a
// clear error naming it and the reason; in a multi-server proxy the other servers keep working.
// (A session id the backend no longer knows: sessionExpiry.test.ts.)

const BACKEND_SECRET = 'backend-secret-7f3a';
const WRONG_SECRET = 'wrong-secret-91cc';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** A URL on which nothing listens (a port that was just released). */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  const url = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

/** A backend answering every request with 500. */
async function brokenUrl(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
  });
  cleanup.add(server, (s) => new Promise((resolve) => s.close(resolve)));
  return listening(server);
}

/** A real backend that needs a bearer token. */
async function guardedUrl(): Promise<string> {
  const server = cleanup.add(demoBackend('guarded'), (s) => s.close());
  const http = cleanup.add(await serveHttp(server, { authToken: BACKEND_SECRET }), (h) =>
    h.close(),
  );
  return http.url;
}

async function goodUrl(): Promise<string> {
  const server = cleanup.add(demoBackend('good'), (s) => s.close());
  return cleanup.add(await serveHttp(server), (h) => h.close()).url;
}

async function proxyHttp(target: Parameters<typeof createProxy>[0], logger = recordingLogger()) {
  const proxy = cleanup.add(createProxy(target, { logger }), (p) => p.close());
  return cleanup.add(await serveHttp(proxy), (h) => h.close());
}

describe('a single backend that cannot be reached or refuses', () => {
  it.each<[string, () => Promise<HttpTarget>, RegExp]>([
    ['connection refused', async () => ({ url: await refusedUrl() }), /ECONNREFUSED/],
    [
      '401',
      async () => ({
        url: await guardedUrl(),
        headers: { authorization: `Bearer ${WRONG_SECRET}` },
      }),
      /HTTP 401.*Unauthorized/,
    ],
    ['500', async () => ({ url: await brokenUrl() }), /HTTP 500.*upstream exploded/],
  ])('%s: the client is told which backend failed and why', async (_case, target, reason) => {
    const logger = recordingLogger();
    const http = await proxyHttp({ ...(await target()), name: 'remote' }, logger);
    const url = http.url;
    const failure = await failureOf(
      frontHttp(url).then((front) => cleanup.add(front, (f) => f.close())),
    );
    expect(failure).toContain('Cannot connect to backend remote (streamable-http backend remote: ');
    expect(failure).toMatch(reason);
    expect(failure).not.toContain(WRONG_SECRET);
    expect(logger.all()).not.toContain(WRONG_SECRET);
    // The proxy keeps serving: its health endpoint answers, and the next client gets the same clear error.
    const health = await fetch(new URL('/health', url));
    expect(health.status).toBe(200);
    await health.body?.cancel();
    expect(await failureOf(frontHttp(url))).toMatch(reason);
    // A session whose initialize failed is useless: it is not kept (until the idle timeout).
    await expect.poll(() => http.sessionCount()).toBe(0);
  });
});

describe('a multi-server proxy with failing servers', () => {
  it('serves the working server; the others are skipped with a warning naming them and the reason', async () => {
    const logger = recordingLogger();
    const mcpServers = {
      good: { url: await goodUrl() },
      refused: { url: await refusedUrl() },
      unauthorized: {
        url: await guardedUrl(),
        headers: { Authorization: `Bearer ${WRONG_SECRET}` },
      },
      broken: { url: await brokenUrl() },
    };
    const { url } = await proxyHttp({ mcpServers }, logger);
    const front = cleanup.add(await frontHttp(url), (f) => f.close());

    const tools = (await front.client.listTools()).tools.map((tool) => tool.name);
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((name) => name.startsWith('good_'))).toBe(true);
    const sum = await front.client.callTool({ name: 'good_add', arguments: { a: 2, b: 3 } });
    expect(sum.structuredContent).toEqual({ sum: 5 });
    const greeting = await front.client.callTool({
      name: 'good_greet',
      arguments: { name: 'Ada' },
    });
    expect(textOf(greeting)).toBe('Hello, Ada!');
    await expect(front.client.ping()).resolves.toBeDefined();
    // A tool of a failing server gets the reason, not a hang or a crash.
    const failure = await failureOf(front.client.callTool({ name: 'broken_greet', arguments: {} }));
    expect(failure).toMatch(/^Cannot connect to backend broken .*HTTP 500/);

    const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.text);
    const about = (server: string) => warnings.filter((w) => w.includes(`MCP server ${server}:`));
    expect(about('refused').some((w) => /ECONNREFUSED/.test(w))).toBe(true);
    expect(about('unauthorized').some((w) => /HTTP 401/.test(w))).toBe(true);
    expect(about('broken').some((w) => /HTTP 500/.test(w))).toBe(true);
    expect(about('good')).toEqual([]);
    expect(logger.all()).not.toContain(WRONG_SECRET);
  });
});
