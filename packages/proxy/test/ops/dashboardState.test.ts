import { DashboardState, type DashboardUpdate, type ProxyServer, Readiness } from '@org/proxy';
import { waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson } from '../isolation/fixtures';
import { twoBackendProxy } from './twoBackendProxy';

let proxy: ProxyServer | undefined;
let state: DashboardState | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  state?.close();
  state = undefined;
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

describe('the dashboard model', () => {
  it('keeps the last calls in a bounded ring, the open sessions and each backend latencies', async () => {
    proxy = twoBackendProxy();
    state = new DashboardState(proxy, { maxCalls: 5, latencySamples: 3 });
    const updates: DashboardUpdate[] = [];
    state.subscribe((update) => updates.push(update));
    // Listed before any traffic, never contacted yet.
    expect(state.snapshot().backends.map((b) => [b.name, b.state])).toEqual([
      ['alpha', 'idle'],
      ['beta', 'idle'],
    ]);
    const [a, b] = await Promise.all([
      frontInMemory(proxy, {}, 'one'),
      frontInMemory(proxy, {}, 'two'),
    ]);
    fronts.push(a!, b!);
    await waitFor(() => state!.snapshot().sessions.count === 2, { timeoutMs: 5000 });
    const whoA = await callJson<{ session: string }>(a!.client, 'alpha_whoami');
    const whoB = await callJson<{ session: string }>(b!.client, 'beta_whoami');
    expect(whoA.session).toMatch(/^a/);
    expect(whoB.session).toMatch(/^b/);
    for (let i = 0; i < 4; i += 1) {
      await a!.client.callTool({ name: 'alpha_note_add', arguments: { text: `n${i}` } });
    }
    const requestsBefore = state.snapshot().sessions.list.find((s) => s.requests >= 5)!.requests;
    // Lists and pings count as the session's requests, but do not push calls out of the ring.
    await a!.client.listTools();
    await a!.client.ping();
    const snapshot = state.snapshot();
    expect(snapshot.calls.map((c) => c.method)).toEqual(Array(5).fill('tools/call'));
    expect(snapshot.sessions.list.find((s) => s.requests >= 5)!.requests).toBe(requestsBefore + 2);
    // Bounded ring: only the last 5 calls, oldest first; the last four are a's notes.
    expect(snapshot.calls).toHaveLength(5);
    const tail = snapshot.calls.slice(-4);
    expect(tail.map((c) => [c.method, c.name, c.server, c.outcome])).toEqual(
      Array.from({ length: 4 }, () => ['tools/call', 'alpha_note_add', 'alpha', 'ok']),
    );
    expect(snapshot.calls.every((c) => c.durationMs >= 0)).toBe(true);
    // Sessions: both listed with their request counts, a made more than b.
    expect(snapshot.sessions.count).toBe(2);
    const [idA, idB] = proxy.sessions.map((s) => s.id);
    const byId = new Map(snapshot.sessions.list.map((s) => [s.id, s]));
    expect(byId.get(idA!)!.requests).toBeGreaterThan(byId.get(idB!)!.requests);
    expect(byId.get(idB!)!.requests).toBeGreaterThanOrEqual(1);
    // Per backend: up, its own sessions, latencies bounded to 3 samples.
    const alpha = snapshot.backends.find((x) => x.name === 'alpha')!;
    const beta = snapshot.backends.find((x) => x.name === 'beta')!;
    expect(alpha.state).toBe('up');
    expect(beta.state).toBe('up');
    expect(alpha.latencies).toHaveLength(3);
    expect(alpha.requests).toBeGreaterThan(beta.requests);
    expect(alpha.sessions).toBe(2);
    // Subscribers saw each call and each backend request.
    expect(
      updates.filter((u) => u.type === 'call' && u.call.name === 'alpha_note_add'),
    ).toHaveLength(4);
    expect(updates.some((u) => u.type === 'backend' && u.backend.name === 'beta')).toBe(true);
    // A session that closes leaves the list.
    await a!.close();
    fronts.splice(fronts.indexOf(a!), 1);
    await waitFor(() => state!.snapshot().sessions.count === 1, { timeoutMs: 5000 });
    expect(state.snapshot().sessions.list.map((s) => s.id)).toEqual([idB]);
    expect(
      updates.some((u) => u.type === 'session' && u.change === 'closed' && u.session.id === idA),
    ).toBe(true);
  });

  it('records a failed call with its outcome and error', async () => {
    proxy = twoBackendProxy();
    state = new DashboardState(proxy);
    const a = await frontInMemory(proxy, {}, 'one');
    fronts.push(a);
    const label = (await callJson<{ session: string }>(a.client, 'alpha_whoami')).session;
    // A tool of another backend session: the backend refuses it.
    const result = await a.client
      .callTool({ name: 'alpha_only_someone_else', arguments: {} })
      .catch((error: Error) => ({ thrown: error.message }));
    expect(label).toMatch(/^a/);
    const failed = state.snapshot().calls.find((c) => c.name === 'alpha_only_someone_else');
    expect(result).toBeDefined();
    expect(failed?.outcome).toBe('error');
    expect(failed?.error).toBeTruthy();
  });

  it('says what /readyz says when given the Readiness, and judges by itself without it', async () => {
    proxy = twoBackendProxy();
    const readiness = new Readiness(proxy, {
      probeIntervalMs: false,
      minCalls: 5,
      errorRatio: 0.5,
    });
    const judged = new DashboardState(proxy, { readiness });
    const stateOf = (model: DashboardState, name: string) =>
      model.snapshot().backends.find((b) => b.name === name)!;
    state = new DashboardState(proxy);
    // Never contacted yet: idle (readiness says unknown).
    expect(stateOf(judged, 'beta').state).toBe('idle');
    const front = await frontInMemory(proxy, {}, 'one');
    fronts.push(front);
    // A note alpha's backend session does not have: the backend answers with an error.
    const { resourceTemplates } = await front.client.listResourceTemplates();
    const notes = resourceTemplates.find(
      (t) => t.name.startsWith('alpha_') || t.uriTemplate.includes('alpha'),
    )!;
    const missing = notes.uriTemplate.replace('{name}', 'missing');
    const fail = () => front.client.readResource({ uri: missing }).catch((error: Error) => error);
    try {
      await fail();
      for (let i = 0; i < 4; i += 1) await callJson(front.client, 'alpha_whoami');
      // One failure in five: an error among the last ten for the dashboard's own rule, under
      // the readiness error ratio (0.5).
      expect(stateOf(state, 'alpha').state).toBe('degraded');
      expect(stateOf(judged, 'alpha').state).toBe('up');
      expect(readiness.report().backends.find((b) => b.name === 'alpha')!.state).toBe('up');

      // Failures until readiness calls alpha degraded (bounded): the judged dashboard follows.
      const alphaReadiness = () => readiness.report().backends.find((b) => b.name === 'alpha')!;
      for (let i = 0; i < 20 && alphaReadiness().state !== 'degraded'; i += 1) await fail();
      expect(alphaReadiness().state).toBe('degraded');
      const alpha = stateOf(judged, 'alpha');
      expect(alpha.state).toBe('degraded');
      // The backend's error, said once: `MCP error -32002: Resource not found in session a1: ...`.
      expect(alpha.lastError).toMatch(/^MCP error -32002: Resource not found in session a/);
      expect(readiness.report().status).toBe('ready');
    } finally {
      judged.close();
      readiness.close();
    }
  });

  it('rejects bounds that are not positive whole numbers', () => {
    proxy = twoBackendProxy();
    expect(() => new DashboardState(proxy!, { maxCalls: 0 })).toThrow(/maxCalls/);
    expect(() => new DashboardState(proxy!, { latencySamples: 1.5 })).toThrow(/latencySamples/);
  });
});
