import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type BackendHealth,
  type CreateProxyOptions,
  createProxy,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { closedPort, waitFor, within } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontHttp, Inbox } from './fixtures/fronts';
import { recordingLogger } from './fixtures/recordingLogger';
import { Cleanup } from './reliability/fixtures/harness';

// Promise: in a multi-server proxy a hung or dead backend does not hold up the others.
// `initialize` and every list wait for each backend at most the list deadline; a backend that
// fails or misses it is skipped at once while it is retried in the background, and when it
// comes back the clients get list_changed and then its components.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const TOOLS_CHANGED = 'notifications/tools/list_changed';
const RESOURCES_CHANGED = 'notifications/resources/list_changed';
const PROMPTS_CHANGED = 'notifications/prompts/list_changed';

/** An HTTP server on loopback that accepts every request and never answers. */
class HungHttpServer {
  readonly server: Server;
  connections = 0;
  requests = 0;
  /** Requests received and still waiting for an answer that never comes. */
  readonly waiting = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      this.requests += 1;
      request.resume();
      this.waiting.add(response);
      response.on('close', () => this.waiting.delete(response));
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('No port');
    return `http://127.0.0.1:${address.port}/mcp`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A stdio command that exits at once, counting its starts in a file. */
function deadCommand() {
  const dir = mkdtempSync(path.join(tmpdir(), 'dead-backend-'));
  cleanup.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
  const file = path.join(dir, 'starts');
  return {
    target: {
      command: process.execPath,
      args: ['-e', "require('fs').appendFileSync(process.argv[1], 'x'); process.exit(3)", file],
      stderr: 'ignore',
    },
    starts: () => {
      try {
        return readFileSync(file, 'utf8').length;
      } catch {
        return 0;
      }
    },
  };
}

async function httpBackend(name: string): Promise<{ url: string; backend: CountingBackend }> {
  const backend = new CountingBackend(demoBackend(name));
  const handle = cleanup.add(await serveHttp(backend, { port: 0 }), (h) => h.close());
  return { url: handle.url, backend };
}

/** Serves `proxy` over HTTP and connects `count` fronts to it at once. */
async function frontsOf(proxy: ProxyServer, count: number): Promise<Front[]> {
  const http = cleanup.add(await serveHttp(proxy, { port: 0 }), (h) => h.close());
  const fronts = await within(
    Promise.all(Array.from({ length: count }, (_, i) => frontHttp(http.url, {}, `front-${i}`))),
    10_000,
    'the fronts to initialize',
  );
  for (const front of fronts) cleanup.add(front, (f) => f.close());
  return fronts;
}

/** The group's health, read through the proxy. */
function groupOf(proxy: ProxyServer): { health(): BackendHealth[] } {
  return { health: () => proxy.health() ?? [] };
}

function makeProxy(mcpServers: Record<string, unknown>, options: CreateProxyOptions) {
  return cleanup.add(createProxy({ mcpServers }, options), (p) => p.close());
}

const toolNames = async (front: Front) =>
  (await front.client.listTools()).tools.map((tool) => tool.name);

describe('a multi-server proxy with a hung and a dead backend', () => {
  it('answers initialize and lists with the healthy server while the hung one hangs, and skips both while they are down', async () => {
    const logger = recordingLogger();
    const good = await httpBackend('good');
    const hung = cleanup.add(new HungHttpServer(), (h) => h.close());
    const dead = deadCommand();
    const proxy = makeProxy(
      { good: { url: good.url }, hung: { url: await hung.listen() }, dead: dead.target },
      // No retry during the test: what is down stays down and skipped.
      { logger, listDeadlineMs: 1500, retryInitialMs: 600_000, retryMaxMs: 600_000 },
    );

    const fronts = await frontsOf(proxy, 2);
    // Both initialized while the hung backend still holds their initialize requests.
    expect(hung.waiting.size).toBeGreaterThan(0);
    for (const front of fronts) {
      expect(front.client.getServerCapabilities()).toMatchObject({
        tools: { listChanged: true },
        resources: { listChanged: true },
        prompts: { listChanged: true },
      });
    }
    const health = groupOf(proxy).health();
    expect(health.map((h) => [h.name, h.state])).toEqual([
      ['good', 'up'],
      ['hung', 'down'],
      ['dead', 'down'],
    ]);
    expect(health[1]?.lastError).toBe(
      'Backend hung did not answer within 1500 ms (the list deadline)',
    );
    expect(health[2]?.lastError).toMatch(/dead/);
    expect(health[1]?.nextRetryAt).toBeGreaterThan(Date.now());

    const lists = await Promise.all(fronts.map(toolNames));
    for (const names of lists) {
      expect(names).toContain('good_greet');
      expect(names.every((name) => name.startsWith('good_'))).toBe(true);
    }
    expect(hung.waiting.size).toBeGreaterThan(0);

    // While they are in backoff, nothing reaches the hung or the dead backend.
    const before = {
      requests: hung.requests,
      connections: hung.connections,
      starts: dead.starts(),
    };
    for (const front of fronts) {
      expect(await toolNames(front)).toEqual(lists[0]);
      await front.client.listResources();
      await front.client.listResourceTemplates();
      await front.client.listPrompts();
      await front.client.ping();
      const sum = await front.client.callTool({ name: 'good_add', arguments: { a: 1, b: 2 } });
      expect(sum.structuredContent).toEqual({ sum: 3 });
      // A tool of the hung server fails at once, with the reason it is down.
      const called = await front.client.callTool({ name: 'hung_greet', arguments: {} });
      expect(called.isError).toBe(true);
      expect(JSON.stringify(called.content)).toContain(
        'Backend hung did not answer within 1500 ms',
      );
    }
    expect({
      requests: hung.requests,
      connections: hung.connections,
      starts: dead.starts(),
    }).toEqual(before);

    // One warning for each failing server, naming it and the reason; none for the healthy one.
    const warnings = logger.at('warn');
    expect(warnings.filter((w) => w.includes('MCP server hung'))).toEqual([
      'Skipping MCP server hung: cannot start: Backend hung did not answer within 1500 ms (the list deadline) (retrying in the background)',
    ]);
    expect(warnings.filter((w) => w.includes('MCP server dead'))).toEqual([
      expect.stringMatching(/^Skipping MCP server dead: cannot start: .+/),
    ]);
    expect(warnings.some((w) => w.includes('good'))).toBe(false);
  });

  it('does not wait for a stdio backend that reads its input and never answers', async () => {
    const good = await httpBackend('good');
    const proxy = makeProxy(
      {
        good: { url: good.url },
        silent: { command: process.execPath, args: ['-e', 'process.stdin.resume()'] },
      },
      { listDeadlineMs: 1500, retryInitialMs: 600_000, retryMaxMs: 600_000 },
    );
    const [front] = await frontsOf(proxy, 1);
    const names = await toolNames(front!);
    expect(names).toContain('good_greet');
    expect(names.every((name) => name.startsWith('good_'))).toBe(true);
    expect(groupOf(proxy).health()[1]).toMatchObject({ name: 'silent', state: 'down' });
  });

  it('still fails naming every server when all of them are down', async () => {
    const hung = cleanup.add(new HungHttpServer(), (h) => h.close());
    const dead = deadCommand();
    const proxy = makeProxy(
      { hung: { url: await hung.listen() }, dead: dead.target },
      { listDeadlineMs: 500, retryInitialMs: 600_000, retryMaxMs: 600_000 },
    );
    const http = cleanup.add(await serveHttp(proxy, { port: 0 }), (h) => h.close());
    const failure = frontHttp(http.url).then(
      (front) => cleanup.add(front, (f) => f.close()),
      (error: unknown) => error,
    );
    expect(String(await failure)).toMatch(
      /All MCP servers failed to start: hung: .*500 ms.*; dead: /,
    );
    // Again, without waiting: both are skipped, and still named.
    expect(String(await frontHttp(http.url).catch((error: unknown) => error))).toMatch(
      /All MCP servers failed to start: hung: down \(.*\); next retry in \d+ ms; dead: down/,
    );
  });
});

describe('a backend that is down at first and comes back', () => {
  it('is retried in the background; both clients get list_changed, then list its tools', async () => {
    const logger = recordingLogger();
    const good = await httpBackend('good');
    const port = await closedPort();
    const proxy = makeProxy(
      { good: { url: good.url }, late: { url: `http://127.0.0.1:${port}/mcp` } },
      { logger, listDeadlineMs: 2000, retryInitialMs: 20, retryMaxMs: 100 },
    );
    const fronts = await frontsOf(proxy, 2);
    const inboxes = fronts.map(
      (front) => new Inbox(front.client, [TOOLS_CHANGED, RESOURCES_CHANGED, PROMPTS_CHANGED]),
    );
    for (const names of await Promise.all(fronts.map(toolNames))) {
      expect(names.every((name) => name.startsWith('good_'))).toBe(true);
    }
    const group = groupOf(proxy);
    // Retried, and failing, several times before it starts.
    await waitFor(() => (group.health()[1]?.failures ?? 0) >= 3, {
      what: 'three failed retries of the late backend',
    });
    expect(group.health()[1]).toMatchObject({ name: 'late', state: 'down' });
    expect(inboxes.every((inbox) => inbox.received.length === 0)).toBe(true);

    const late = new CountingBackend(demoBackend('late'));
    cleanup.add(await serveHttp(late, { port }), (h) => h.close());
    await within(
      Promise.all(
        inboxes.flatMap((inbox) => [
          inbox.waitFor(TOOLS_CHANGED),
          inbox.waitFor(RESOURCES_CHANGED),
          inbox.waitFor(PROMPTS_CHANGED),
        ]),
      ),
      10_000,
      'list_changed on both fronts',
    );
    expect(group.health()[1]).toMatchObject({ name: 'late', state: 'up', failures: 0 });
    for (const front of fronts) {
      const names = await toolNames(front);
      expect(names).toEqual(expect.arrayContaining(['good_greet', 'late_greet']));
      const greeting = await front.client.callTool({
        name: 'late_greet',
        arguments: { name: 'L' },
      });
      expect(greeting.content).toEqual([{ type: 'text', text: 'Hello, L!' }]);
      const prompts = (await front.client.listPrompts()).prompts.map((p) => p.name);
      expect(prompts).toContain('late_welcome');
    }
    // One notification of each kind per front, one warning and one info naming the server.
    for (const inbox of inboxes) {
      expect(inbox.received.map((n) => n.method).sort()).toEqual(
        [PROMPTS_CHANGED, RESOURCES_CHANGED, TOOLS_CHANGED].sort(),
      );
    }
    expect(logger.at('warn').filter((w) => w.includes('late'))).toEqual([
      expect.stringMatching(/^Skipping MCP server late: cannot start: .*ECONNREFUSED/),
    ]);
    expect(logger.at('info').filter((m) => m.includes('MCP server late works again'))).toHaveLength(
      1,
    );
  });

  it('stops retrying when the proxy closes', async () => {
    const good = await httpBackend('good');
    const port = await closedPort();
    const proxy = createProxy(
      { mcpServers: { good: { url: good.url }, late: { url: `http://127.0.0.1:${port}/mcp` } } },
      { listDeadlineMs: 2000, retryInitialMs: 20, retryMaxMs: 20 },
    );
    const [front] = await frontsOf(proxy, 1);
    await front!.close();
    const group = groupOf(proxy);
    await waitFor(() => (group.health()[1]?.failures ?? 0) >= 2, { what: 'failed retries' });
    await proxy.close();
    await waitFor(() => !group.health()[1]?.retrying, { what: 'the retry in flight to end' });
    expect(group.health()[1]).toMatchObject({ state: 'down' });
    expect(group.health()[1]?.nextRetryAt).toBeUndefined();
  });
});
