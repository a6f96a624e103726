import {
  createProxy,
  definePrompt,
  defineResource,
  defineTool,
  ProviderServer,
  type SessionStrategy,
  serveHttp,
} from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Front, frontHttp } from '../fixtures/fronts';
import { Cleanup, failureOf, recordingLogger, textOf } from './fixtures/harness';
import { WireRecorder } from './fixtures/wireRecorder';

// Promise: when an HTTP backend no longer knows the proxy's session (404 "Session not found",
// as after a restart), the proxy opens a new session once, at once; idempotent requests (lists,
// reads, prompts, completion, ping) are sent again on it and succeed; a tool call is never
// replayed: it fails saying the session expired and was re-initialised, and the next call works.

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function countingBackend() {
  const state = { calls: 0 };
  const server = new ProviderServer({ name: 'counter' });
  server.add(
    defineTool({
      name: 'increment',
      description: 'Not idempotent: counts its calls',
      handler: () => String(++state.calls),
    }),
    defineResource({ uri: 'data://note', name: 'note', read: () => 'a note' }),
    definePrompt({
      name: 'trip',
      args: z.object({ to: z.string() }),
      complete: { to: (value) => ['Paris', 'Porto'].filter((city) => city.startsWith(value)) },
      render: ({ to }) => `Go to ${to}`,
    }),
  );
  cleanup.add(server, (s) => s.close());
  return { server, state };
}

async function setup(strategy: SessionStrategy = 'per-session') {
  const { server, state } = countingBackend();
  const backend = new WireRecorder(server);
  const http = cleanup.add(await serveHttp(backend), (h) => h.close());
  const logger = recordingLogger();
  // refreshOnList: lists must reach the backend (served from the cache they would not meet the
  // expired session).
  const proxy = cleanup.add(createProxy(http.url, { strategy, logger, refreshOnList: true }), (p) =>
    p.close(),
  );
  const frontHttpHandle = cleanup.add(await serveHttp(proxy), (h) => h.close());
  const front: Front = cleanup.add(await frontHttp(frontHttpHandle.url), (f) => f.close());
  /** The backend forgets every session, as after a restart: the proxy's next request gets 404. */
  const expire = async () => {
    await Promise.all(server.sessions.map((session) => session.server.close()));
    expect(http.sessionCount()).toBe(0);
  };
  return { backend, state, front, expire, logger };
}

const IDEMPOTENT: Array<[string, (front: Front) => Promise<unknown>]> = [
  ['tools/list', (f) => f.client.listTools()],
  ['resources/list', (f) => f.client.listResources()],
  ['resources/read', (f) => f.client.readResource({ uri: 'data://note' })],
  ['prompts/list', (f) => f.client.listPrompts()],
  ['prompts/get', (f) => f.client.getPrompt({ name: 'trip', arguments: { to: 'Paris' } })],
  [
    'completion/complete',
    (f) =>
      f.client.complete({
        ref: { type: 'ref/prompt', name: 'trip' },
        argument: { name: 'to', value: 'P' },
      }),
  ],
  ['ping', (f) => f.client.ping()],
];

describe('an HTTP backend that lost the session', () => {
  it.each(IDEMPOTENT)('%s is sent again on a new session and succeeds', async (method, run) => {
    const { backend, front, expire } = await setup();
    await run(front);
    const opened = backend.opened;
    const sent = backend.of(method).length;
    await expire();
    await expect(run(front)).resolves.toBeDefined();
    // Re-initialised once; the request reached the backend once more, on the new session.
    expect(backend.opened).toBe(opened + 1);
    expect(backend.of('initialize').at(-1)?.session).toBe(opened + 1);
    expect(backend.of(method).length).toBe(sent + 1);
    expect(backend.of(method).at(-1)?.session).toBe(opened + 1);
  });

  it.each<SessionStrategy>(['per-session', 'shared'])(
    '%s: a tool call is never replayed; it fails clearly and the next call works',
    async (strategy) => {
      const { backend, state, front, expire, logger } = await setup(strategy);
      const call = () => front.client.callTool({ name: 'increment', arguments: {} });
      expect(textOf(await call())).toBe('1');
      const calls = backend.of('tools/call').length;
      const opened = backend.opened;
      await expire();
      const failure = await failureOf(call());
      expect(failure).toMatch(
        /^Backend \S+ session expired and was re-initialised; the request was not replayed, retry it: tools\/call increment$/,
      );
      // The backend never saw the call again, nor ran the tool; the new session is open already.
      expect(backend.of('tools/call')).toHaveLength(calls);
      expect(state.calls).toBe(1);
      expect(backend.opened).toBe(opened + 1);
      expect(textOf(await call())).toBe('2');
      expect(backend.of('tools/call')).toHaveLength(calls + 1);
      expect(backend.opened).toBe(opened + 1);
      expect(logger.all()).not.toMatch(/\[error\]/);
    },
  );

  it('concurrent requests caught by the same expiry share one new session', async () => {
    const { backend, front, expire } = await setup();
    await front.client.listTools();
    const opened = backend.opened;
    await expire();
    await Promise.all([
      front.client.listTools(),
      front.client.listPrompts(),
      front.client.listResources(),
      front.client.readResource({ uri: 'data://note' }),
    ]);
    expect(backend.opened).toBe(opened + 1);
  });
});
