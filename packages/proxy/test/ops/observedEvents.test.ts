import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type {
  BackendRequestEvent,
  BackendSessionEvent,
  CacheEvent,
  ForwardedRequestEvent,
  RequestEvent,
} from '@org/core';
import { createProxy, type ProxyServer } from '@org/proxy';
import { waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson, workspaceTarget } from '../isolation/fixtures';
import { twoBackendProxy } from './twoBackendProxy';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

describe('what a proxy reports to its observer', () => {
  it('attributes each client request to its session and backend, and each backend request to its client session', async () => {
    const alpha = workspaceTarget('a');
    proxy = createProxy(alpha.server);
    const requests: RequestEvent[] = [];
    const backend: BackendRequestEvent[] = [];
    const sessions: BackendSessionEvent[] = [];
    const cache: CacheEvent[] = [];
    proxy.observer.on('request', (event) => requests.push(event));
    proxy.observer.on('backendRequest', (event) => backend.push(event));
    proxy.observer.on('backendSession', (event) => sessions.push(event));
    proxy.observer.on('cache', (event) => cache.push(event));
    const [a, b] = await Promise.all([
      frontInMemory(proxy, {}, 'front-a'),
      frontInMemory(proxy, {}, 'front-b'),
    ]);
    fronts.push(a!, b!);
    const [labelA, labelB] = await Promise.all([
      callJson<{ session: string }>(a!.client, 'whoami'),
      callJson<{ session: string }>(b!.client, 'whoami'),
    ]);
    expect(labelA.session).not.toBe(labelB.session);
    await a!.client.callTool({ name: `only_${labelA.session}`, arguments: {} });
    const [sessionA, sessionB] = proxy.sessions.map((s) => s.id);
    const calls = requests.filter((r) => r.method === 'tools/call');
    expect(calls.map((r) => [r.sessionId, r.name]).sort()).toEqual(
      [
        [sessionA, 'whoami'],
        [sessionB, 'whoami'],
        [sessionA, `only_${labelA.session}`],
      ].sort(),
    );
    expect(calls.every((r) => r.server === proxy!.backends[0]!.name && r.outcome === 'ok')).toBe(
      true,
    );
    const backendCalls = backend.filter((r) => r.method === 'tools/call');
    expect(backendCalls.map((r) => [r.sessionId, r.name]).sort()).toEqual(
      calls.map((r) => [r.sessionId, r.name]).sort(),
    );
    // per-session: one backend session per client session.
    expect(sessions.filter((s) => s.type === 'opened')).toHaveLength(2);
    // Looking `whoami` up listed each session's tools (misses), the second call hit the cache.
    expect(cache.filter((c) => c.kind === 'tools' && c.outcome === 'miss')).toHaveLength(2);
    expect(cache.some((c) => c.kind === 'tools' && c.outcome === 'hit')).toBe(true);
    await a!.close();
    await waitFor(() => sessions.some((s) => s.type === 'closed'), { timeoutMs: 5000 });
  });

  it('names the backend of a namespaced call of real stdio children, and reports its failures', async () => {
    proxy = twoBackendProxy();
    const requests: RequestEvent[] = [];
    const backend: BackendRequestEvent[] = [];
    proxy.observer.on('request', (event) => requests.push(event));
    proxy.observer.on('backendRequest', (event) => backend.push(event));
    const [a, b] = await Promise.all([
      frontInMemory(proxy, {}, 'front-a'),
      frontInMemory(proxy, {}, 'front-b'),
    ]);
    fronts.push(a!, b!);
    await callJson(a!.client, 'alpha_whoami');
    await callJson(b!.client, 'beta_whoami');
    // Not listed: forwarded to alpha, which answers with an error result.
    const missing = await a!.client.callTool({ name: 'alpha_ghost', arguments: {} });
    expect(missing.isError).toBe(true);
    const served = requests
      .filter((r) => r.method === 'tools/call')
      .map((r) => [r.name, r.server, r.outcome]);
    expect(served).toContainEqual(['alpha_whoami', 'alpha', 'ok']);
    expect(served).toContainEqual(['beta_whoami', 'beta', 'ok']);
    expect(served).toContainEqual(['alpha_ghost', 'alpha', 'error']);
    const onBackend = backend.filter((r) => r.method === 'tools/call');
    expect(onBackend.map((r) => [r.backend, r.name]).sort()).toEqual(
      [
        ['alpha', 'whoami'],
        ['beta', 'whoami'],
        ['alpha', 'ghost'],
      ].sort(),
    );
    // Lists go to every backend and are attributed to none.
    await a!.client.listTools();
    expect(requests.find((r) => r.method === 'tools/list')?.server).toBeUndefined();
  });
});

describe('forwarded requests', () => {
  it('are reported with their kind and the session that answered', async () => {
    const alpha = workspaceTarget('a');
    proxy = createProxy(alpha.server);
    const forwarded: ForwardedRequestEvent[] = [];
    proxy.observer.on('forwardedRequest', (event) => forwarded.push(event));
    const front = await frontInMemory(proxy, { capabilities: { sampling: {} } }, 'sampler');
    fronts.push(front);
    front.client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sampled' },
      model: 'test',
    }));
    const answer = await callJson<{ answer: { content: { text: string } } }>(
      front.client,
      'sample',
      { prompt: 'hello' },
    );
    expect(answer.answer.content.text).toBe('sampled');
    expect(forwarded).toEqual([
      expect.objectContaining({
        backend: proxy.backends[0]!.name,
        kind: 'sampling',
        sessionId: proxy.sessions[0]!.id,
        outcome: 'ok',
      }),
    ]);
  });
});
